/**
 * Small stand-ins for the Kernel (KernelServices), its world and its maps, enough to drive the
 * helpers and the run builder on their own. The real Kernel (src/kernel/kernel.ts) replaces them
 * in the request-runner and differential tests.
 */
import { Errno, MapType } from '../../src/isa';
import { AddressSpace, type Region } from '../../src/mem';
import type {
  BpfMap,
  Cgroup,
  KernelServices,
  LoadedProg,
  PerfEvent,
  StackFrame,
  Task,
  TunnelInfo,
  World,
} from '../../src/kernel/types';

export class FakeWorld implements World {
  seed = 42;
  ncpus = 4;
  cpu = 1;
  clockNs = 5_123_456_789n;
  nsPerInsn = 1;
  private rng = 0x12345678;
  task: Task = { pid: 4242, tgid: 4200, uid: 1000, gid: 100, comm: 'curl', cgroup: '/sys/fs/cgroup/app/web' };
  netDevices = [
    { ifindex: 1, name: 'lo', mac: '00:00:00:00:00:00' },
    { ifindex: 2, name: 'eth0', mac: '02:00:00:00:00:01' },
  ];
  cgroups: Cgroup[] = [
    { path: '/', classid: 0 },
    { path: '/sys/fs/cgroup/app', classid: 0x10001 },
    { path: '/sys/fs/cgroup/app/web', classid: 0x10002 },
    { path: '/sys/fs/cgroup/db', classid: 0x10003 },
  ];
  routeRealm = 7;
  kernelStack: StackFrame[] = [0x1000n, 0x2000n, 0x3000n, 0x4000n].map((ip, i) => ({ ip: 0xffffffff81000000n + ip, symbol: `k${i}` }));
  tunnel: TunnelInfo | null = null;
  userStack: StackFrame[] = [0x400100n, 0x400200n].map((ip, i) => ({ ip, symbol: `u${i}` }));
  constructor(private readonly mem?: AddressSpace) {}
  advanceClock(n: number): void {
    this.clockNs += BigInt(n * this.nsPerInsn);
  }
  nextRandom32(): number {
    const before = this.rng;
    this.rng = (Math.imul(this.rng, 1103515245) + 12345) >>> 0;
    this.mem?.journal?.push(() => {
      this.rng = before;
    });
    return this.rng;
  }
}

/** A map whose values live in regions of the kernel's address space, array or hash semantics. */
export class FakeMap implements BpfMap {
  name: string;
  readonly addr: bigint;
  readonly userValueSize: number;
  private readonly values = new Map<string, Region>();
  /** PROG_ARRAY / PERF_EVENT_ARRAY / CGROUP_ARRAY slots */
  readonly slots = new Map<number, unknown>();
  constructor(
    private readonly mem: AddressSpace,
    readonly id: number,
    readonly mapType: number,
    readonly keySize: number,
    readonly valueSize: number,
    readonly maxEntries: number,
    readonly mapFlags = 0,
  ) {
    this.name = `m${id}`;
    this.addr = 0xffff880100000000n + BigInt(id) * 0x1000n;
    this.userValueSize = valueSize;
    if (this.isArray) for (let i = 0; i < maxEntries; i++) this.alloc(this.keyOf(i));
  }
  private get isArray(): boolean {
    return this.mapType === MapType.Array || this.mapType === MapType.PercpuArray;
  }
  private keyOf(i: number): Uint8Array {
    return Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, i >>> 24);
  }
  private alloc(key: Uint8Array): Region {
    const r = this.mem.map('map_value', `${this.name} value`, new Uint8Array(this.valueSize), true);
    this.values.set(key.join(','), r);
    return r;
  }
  private index(key: Uint8Array): number {
    return (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
  }
  lookup(key: Uint8Array): Uint8Array | number {
    const r = this.values.get(key.join(','));
    return r ? r.bytes.slice() : -Errno.ENOENT;
  }
  update(key: Uint8Array, value: Uint8Array, flags: bigint): number {
    return this.updateFromProg(key, value, flags);
  }
  delete(key: Uint8Array): number {
    return this.deleteFromProg(key);
  }
  getNextKey(key: Uint8Array | null): Uint8Array | number {
    const keys = [...this.values.keys()];
    const i = key ? keys.indexOf(key.join(',')) : -1;
    const next = keys[i + 1];
    return next === undefined ? -Errno.ENOENT : Uint8Array.from(next.split(',').map(Number));
  }
  *entries(): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (const [k, r] of this.values) yield { key: Uint8Array.from(k.split(',').map(Number)), value: r.bytes.slice() };
  }
  lookupAddr(key: Uint8Array): bigint {
    if (this.isArray && this.index(key) >= this.maxEntries) return 0n;
    const r = this.values.get(key.join(','));
    return r ? this.mem.addr(r) : 0n;
  }
  updateFromProg(key: Uint8Array, value: Uint8Array, flags: bigint): number {
    if (flags > 2n) return -Errno.EINVAL;
    const r = this.values.get(key.join(','));
    if (this.isArray) {
      if (this.index(key) >= this.maxEntries) return -Errno.E2BIG;
      if (flags === 1n) return -Errno.EEXIST;
    } else {
      if (flags === 1n && r) return -Errno.EEXIST;
      if (flags === 2n && !r) return -Errno.ENOENT;
      if (!r && this.values.size >= this.maxEntries) return -Errno.E2BIG;
    }
    const target = r ?? this.alloc(key);
    this.mem.writeAt(target, 0, value);
    if (!r) {
      const k = key.join(',');
      this.mem.journal?.push(() => {
        this.values.delete(k);
        this.mem.unmap(target);
      });
    }
    return 0;
  }
  deleteFromProg(key: Uint8Array): number {
    if (this.isArray) return -Errno.EINVAL;
    const k = key.join(',');
    const r = this.values.get(k);
    if (!r) return -Errno.ENOENT;
    this.values.delete(k);
    this.mem.journal?.push(() => this.values.set(k, r));
    return 0;
  }
}

export class FakeKernel implements KernelServices {
  readonly mem = new AddressSpace();
  readonly world = new FakeWorld(this.mem);
  readonly maps: FakeMap[] = [];
  readonly trace: string[] = [];
  readonly stacks = new Map<number, bigint[]>();
  private nextId = 1;
  createMap(mapType: number, keySize: number, valueSize: number, maxEntries: number): FakeMap {
    const m = new FakeMap(this.mem, this.nextId++, mapType, keySize, valueSize, maxEntries);
    this.maps.push(m);
    return m;
  }
  mapByAddr(addr: bigint): BpfMap | undefined {
    return this.maps.find((m) => m.addr === addr);
  }
  progArrayGet(map: BpfMap, index: number): LoadedProg | null {
    return ((map as FakeMap).slots.get(index) as LoadedProg | undefined) ?? null;
  }
  perfEventGet(map: BpfMap, index: number): PerfEvent | null {
    return ((map as FakeMap).slots.get(index) as PerfEvent | undefined) ?? null;
  }
  cgroupGet(map: BpfMap, index: number): Cgroup | null {
    return ((map as FakeMap).slots.get(index) as Cgroup | undefined) ?? null;
  }
  stackStore(_map: BpfMap, ips: readonly bigint[]): number {
    const id = Number(ips[0] & 0x7n);
    this.stacks.set(id, [...ips]);
    return id;
  }
  traceWrite(line: string): void {
    this.trace.push(line);
  }
}

/** A loaded program stand-in (the helpers only look at its type and privilege). */
export function fakeProg(progType: number, id = 1, privileged = true): LoadedProg {
  return { id, progType, name: `p${id}`, bytes: new Uint8Array(8), slots: [], maps: [], license: 'GPL', gplCompatible: true, privileged };
}
