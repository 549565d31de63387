/**
 * The deterministic world a kernel instance runs in (`env`): a virtual clock that advances per
 * instruction, a seeded PRNG, CPUs, the current task (with a task_struct-like region that
 * get_current_task points at and probe_read can read), net devices, a cgroup v2 tree with
 * net_cls classids, the route realm, and kernel and user stacks with symbols. Every change made
 * while the address space's journal records is undone by stepping back.
 * The task_struct layout is task.ts's (bpflab's own, documented). Non-goals: real task_struct
 * offsets.
 */
import type { AddressSpace, Region } from '../mem';
import { TASK_REGION_SIZE, TASK_STRUCT, taskStructBytes } from './task';
import type { Cgroup, NetDevice, StackFrame, Task, World } from './types';

/** A kernel symbol: where a function starts and how long it is. */
interface KernelSymbol {
  addr: bigint;
  size: number;
  name: string;
}

/** The symbols the simulated stacks use (kernel text at 0xffffffff81000000, user text below). */
export const SYMBOLS: readonly KernelSymbol[] = [
  { addr: 0xffffffff81063a20n, size: 0x90, name: 'SyS_sendto' },
  { addr: 0xffffffff8106d340n, size: 0x1a0, name: 'SYSC_sendto' },
  { addr: 0xffffffff816a2e10n, size: 0x60, name: 'sock_sendmsg' },
  { addr: 0xffffffff8172b5c0n, size: 0xb0, name: 'inet_sendmsg' },
  { addr: 0xffffffff81719e80n, size: 0xc40, name: 'tcp_sendmsg' },
  { addr: 0xffffffff81800030n, size: 0x80, name: 'entry_SYSCALL_64_fastpath' },
  { addr: 0x00007f3c1a2b4f10n, size: 0x90, name: '__libc_send' },
  { addr: 0x0000000000400b26n, size: 0x140, name: 'main' },
  { addr: 0x00007f3c1a1e2740n, size: 0x1c0, name: '__libc_start_main' },
];

const frame = (name: string, off: number): StackFrame => {
  const s = SYMBOLS.find((x) => x.name === name)!;
  return { ip: s.addr + BigInt(off), symbol: `${name}+0x${off.toString(16)}` };
};

/** `name+0xoff` for an address inside a known symbol, else the address in hex. */
export function symbolize(ip: bigint): string {
  const u = BigInt.asUintN(64, ip);
  for (const s of SYMBOLS) {
    if (u >= s.addr && u < s.addr + BigInt(s.size)) return `${s.name}+0x${(u - s.addr).toString(16)}`;
  }
  return `0x${u.toString(16)}`;
}

/** The cgroup v2 mount; Task.cgroup paths start with it, Cgroup.path is relative to it. */
export const CGROUP_ROOT = '/sys/fs/cgroup';

/** A cgroup path relative to the cgroup v2 root ("/", "/app"), from either spelling. */
export function cgroupPath(path: string): string {
  let p = path.startsWith(CGROUP_ROOT) ? path.slice(CGROUP_ROOT.length) : path;
  p = '/' + p.split('/').filter(Boolean).join('/');
  return p;
}

/** The cgroup at `path` ("/app" or "/sys/fs/cgroup/app") among `cgroups`. */
export function findCgroup(cgroups: readonly Cgroup[], path: string): Cgroup | undefined {
  const p = cgroupPath(path);
  return cgroups.find((c) => cgroupPath(c.path) === p);
}

/** Whether cgroup `path` is `ancestor` or below it (skb_under_cgroup's question). */
export function cgroupIsDescendant(path: string, ancestor: string): boolean {
  const p = cgroupPath(path);
  const a = cgroupPath(ancestor);
  return a === '/' || p === a || p.startsWith(a + '/');
}

/** The seconds since the epoch at which the simulated machine booted (Linux 4.8's release day). */
export const BOOT_EPOCH_S = 1475366400;

/** mulberry32: a small seeded PRNG whose whole state is one 32-bit number (cheap to journal). */
function mulberry32(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, (t ^ (t >>> 14)) >>> 0];
}

interface WorldOptions {
  seed?: number;
  ncpus?: number;
}

export class SimWorld implements World {
  readonly seed: number;
  nsPerInsn = 1;
  netDevices: NetDevice[] = [
    { ifindex: 1, name: 'lo', mac: '00:00:00:00:00:00' },
    { ifindex: 2, name: 'eth0', mac: '52:54:00:12:34:56' },
    { ifindex: 3, name: 'eth1', mac: '52:54:00:12:34:57' },
  ];
  cgroups: Cgroup[] = [
    { path: '/', classid: 0 },
    { path: '/system.slice', classid: 0 },
    { path: '/user.slice', classid: 0 },
    { path: '/app', classid: 0x00100001 },
    { path: '/app/web', classid: 0x00100002 },
  ];
  kernelStack: StackFrame[] = [
    frame('tcp_sendmsg', 0x5),
    frame('inet_sendmsg', 0x64),
    frame('sock_sendmsg', 0x38),
    frame('SYSC_sendto', 0x100),
    frame('SyS_sendto', 0xe),
    frame('entry_SYSCALL_64_fastpath', 0x1e),
  ];
  userStack: StackFrame[] = [frame('__libc_send', 0x4e), frame('main', 0x8a), frame('__libc_start_main', 0xf0)];
  /** address of the current task's task_struct (get_current_task) */
  readonly taskAddr: bigint;

  private _ncpus: number;
  private _cpu = 0;
  /** the clock at boot of the simulation; `_elapsed` ns (a safe integer) have passed since */
  private readonly _clock: bigint;
  private _elapsed = 0;
  private prng: number;
  private _task: Task;
  private _realm = 0;
  private readonly taskRegion: Region;

  constructor(
    private readonly mem: AddressSpace,
    opts: WorldOptions = {},
  ) {
    this.seed = (opts.seed ?? 1) >>> 0;
    this._ncpus = Math.max(1, Math.min(64, Math.floor(opts.ncpus ?? 2)));
    this.prng = this.seed;
    // a machine up for about 100 s; the seed moves it by up to a second so runs differ per seed
    this._clock = 100_000_000_000n + BigInt(this.seed % 1_000_000_000);
    this._task = { pid: 1234, tgid: 1234, uid: 1000, gid: 1000, comm: 'bpflab', cgroup: '/app' };
    this.taskRegion = mem.map('task', TASK_STRUCT.name, new Uint8Array(TASK_REGION_SIZE), false);
    this.taskAddr = mem.addr(this.taskRegion);
    this.taskRegion.bytes.set(this.taskStruct());
  }

  get ncpus(): number {
    return this._ncpus;
  }
  /** Per-CPU maps keep the count they were created with; set this before creating them. */
  set ncpus(n: number) {
    const old = this._ncpus;
    const oldCpu = this._cpu;
    this._ncpus = Math.max(1, Math.min(64, Math.floor(n)));
    if (this._cpu >= this._ncpus) this._cpu = this._ncpus - 1;
    this.mem.journal?.push(() => {
      this._ncpus = old;
      this._cpu = oldCpu;
    });
  }

  get cpu(): number {
    return this._cpu;
  }
  set cpu(c: number) {
    const old = this._cpu;
    this._cpu = Math.max(0, Math.min(this._ncpus - 1, Math.floor(c)));
    this.mem.journal?.push(() => (this._cpu = old));
  }

  get clockNs(): bigint {
    return this._clock + BigInt(this._elapsed);
  }

  /** Called per instruction by the VM: plain number arithmetic, a BigInt only when read. */
  advanceClock(instructions: number): void {
    this.passTime(instructions * this.nsPerInsn);
  }

  passTime(ns: number): void {
    const old = this._elapsed;
    this._elapsed += Math.max(0, Math.floor(ns));
    this.mem.journal?.push(() => (this._elapsed = old));
  }

  nextRandom32(): number {
    const old = this.prng;
    const [state, out] = mulberry32(this.prng);
    this.prng = state;
    this.mem.journal?.push(() => (this.prng = old));
    return out;
  }

  get routeRealm(): number {
    return this._realm;
  }
  set routeRealm(r: number) {
    const old = this._realm;
    this._realm = r >>> 0;
    this.mem.journal?.push(() => (this._realm = old));
  }

  get task(): Task {
    return this._task;
  }
  /** Replaces the current task and rewrites its task_struct region (journaled). */
  set task(t: Task) {
    const old = this._task;
    this._task = { ...t, comm: t.comm.slice(0, 15) };
    this.mem.writeAt(this.taskRegion, 0, this.taskStruct());
    this.mem.journal?.push(() => (this._task = old));
  }

  private taskStruct(): Uint8Array {
    return taskStructBytes(this._task, this.taskCgroup()?.classid ?? 0, this.taskAddr);
  }

  /** The net device with this ifindex. */
  device(ifindex: number): NetDevice | undefined {
    return this.netDevices.find((d) => d.ifindex === ifindex);
  }

  /** The cgroup at `path` ("/app" or "/sys/fs/cgroup/app"). */
  findCgroup(path: string): Cgroup | undefined {
    return findCgroup(this.cgroups, path);
  }

  /** The cgroup the current task belongs to. */
  taskCgroup(): Cgroup | undefined {
    return this.findCgroup(this._task.cgroup);
  }
}
