/**
 * One simulated Linux 4.8 kernel: its address space, world, trace_pipe and bpffs, the objects
 * bpf(2) creates (maps, programs) and the files of the one process that uses it (an fd table
 * from 3 up, lowest free first, EMFILE at 1024). An object lives while an fd, a pin, a program
 * (for its maps) or a PROG_ARRAY slot (for programs) refers to it; a PROG_ARRAY is emptied when
 * its last fd and pin are gone, as 4.8's usercnt does. The kernel also implements
 * KernelServices, what helpers need. bpf(2) itself is in sys.ts; persistence in persist.ts.
 */
import { Errno as E, MapType } from '../isa';
import { AddressSpace } from '../mem';
import { BpfFs, normalizePath, type PinnedKind } from './bpffs';
import { MAP_TYPES, type FileObject, type FileTable, type MapBase } from './maps';
import { FdArrayMap } from './maps/fd-array';
import { ProgArrayMap } from './maps/prog-array';
import { StackTraceMap } from './maps/stack-trace';
import { PerfRing, validPages } from './perf-ring';
import { loadSnapshot, saveSnapshot, type UnavailablePin } from './persist';
import { Prog, fileOf, type ProgSpec } from './prog';
import type { StoragePort } from './storage';
import { sysBpf, type BpfAttr, type MapCreateAttr, type MapElemAttr, type MapGetNextKeyAttr, type ObjAttr, type ProgLoadAttr, type ProgLoadResult, type SysResult } from './sys';
import { TracePipe } from './trace';
import type { BpfMap, Cgroup, KernelServices, LoadedProg, PerfEvent, ProgVerifier } from './types';
import { SimWorld } from './world';
import type { Cmd } from '../isa';

export interface KernelOptions {
  /** seed of the simulated world (PRNG, clock start) */
  seed?: number;
  /** simulated CPU count (default 2) */
  ncpus?: number;
  /** PROG_LOAD's verifier; without one, PROG_LOAD only resolves map fds and accepts */
  verifier?: ProgVerifier;
  /** where pinned objects are kept across restarts */
  storage?: StoragePort;
  /** total memory maps may account for before MAP_CREATE gives ENOMEM (default 64 MiB) */
  memCapBytes?: number;
  /** the caller has CAP_SYS_ADMIN (default true) */
  privileged?: boolean;
  /** sysctl kernel.unprivileged_bpf_disabled (default false, as in 4.8) */
  unprivilegedBpfDisabled?: boolean;
  /** uid of the calling process, shown by bpftool (default 0) */
  uid?: number;
}

/** 4.8's BPF_MAX_REFCNT */
const BPF_MAX_REFCNT = 32768;
/** RLIMIT_NOFILE: fds are below this */
const NOFILE = 1024;
/** where map objects live: the low 32 bits are what the 4.8 verifier log prints */
const MAP_ADDR_BASE = 0xffff88003a5c0000n;
const MAP_ADDR_STEP = 0x800n;

/** A map as the shell and the IDE list it. */
export interface MapInfo {
  map: BpfMap;
  id: number;
  type: number;
  name: string;
  memlock: number;
  fds: number[];
  pins: string[];
  refcnt: number;
}

/** A program as the shell and the IDE list it. */
export interface ProgInfo {
  prog: LoadedProg;
  id: number;
  type: number;
  name: string;
  tag: string;
  gpl: boolean;
  /** bytes of the instructions as the kernel keeps them */
  xlatedLen: number;
  memlock: number;
  mapIds: number[];
  loadTimeNs: bigint;
  uid: number;
  fds: number[];
  pins: string[];
}

export class Kernel implements KernelServices {
  readonly mem = new AddressSpace();
  readonly world: SimWorld;
  readonly trace: TracePipe;
  readonly fs = new BpfFs<MapBase | Prog>();
  verifier: ProgVerifier | undefined;
  readonly storage: StoragePort | undefined;
  privileged: boolean;
  unprivilegedBpfDisabled: boolean;
  readonly memCapBytes: number;
  readonly uid: number;
  /** bytes maps account for now */
  memUsed = 0;
  /** the last error of a background storage write, if any */
  syncError: unknown = null;

  private readonly fds: (FileObject<Prog> | undefined)[] = [
    { kind: 'file', obj: 'stdin' },
    { kind: 'file', obj: 'stdout' },
    { kind: 'file', obj: 'stderr' },
  ];
  private readonly mapsById = new Map<number, MapBase>();
  private readonly progsById = new Map<number, Prog>();
  private readonly mapsByAddr = new Map<bigint, MapBase>();
  private readonly perfRefs = new Map<PerfEvent, number>();
  private nextMapId = 1;
  private nextProgId = 1;
  private mapSeq = 0;
  private syncChain: Promise<void> = Promise.resolve();
  /** what the storage holds, as last written (persist.ts keeps it) */
  stored = new Map<string, string>();
  /** whether `stored` includes the keys the storage held before this kernel wrote */
  storedListed = false;
  /** pins stored but not restored (they do not fit this kernel): listed, kept, removable */
  unavailable = new Map<string, UnavailablePin>();
  /** storage keys of objects (persist.ts): stable across restarts */
  objKeys = new WeakMap<MapBase | Prog, string>();
  nextObjKey = 1;

  constructor(opts: KernelOptions = {}) {
    this.world = new SimWorld(this.mem, { seed: opts.seed, ncpus: opts.ncpus });
    this.trace = new TracePipe(this.mem);
    this.verifier = opts.verifier;
    this.storage = opts.storage;
    this.privileged = opts.privileged ?? true;
    this.unprivilegedBpfDisabled = opts.unprivilegedBpfDisabled ?? false;
    this.memCapBytes = opts.memCapBytes ?? 64 * 1024 * 1024;
    this.uid = opts.uid ?? 0;
  }

  // ---- bpf(2) ----

  /** bpf(2): every command of enum bpf_cmd with its typed attr; errno values are positive. */
  bpf(cmd: typeof Cmd.MAP_CREATE, attr: MapCreateAttr): SysResult<number>;
  bpf(cmd: typeof Cmd.MAP_LOOKUP_ELEM, attr: MapElemAttr): SysResult<Uint8Array>;
  bpf(cmd: typeof Cmd.MAP_UPDATE_ELEM | typeof Cmd.MAP_DELETE_ELEM, attr: MapElemAttr): SysResult<0>;
  bpf(cmd: typeof Cmd.MAP_GET_NEXT_KEY, attr: MapGetNextKeyAttr): SysResult<Uint8Array>;
  bpf(cmd: typeof Cmd.PROG_LOAD, attr: ProgLoadAttr): ProgLoadResult;
  bpf(cmd: typeof Cmd.OBJ_PIN, attr: ObjAttr): SysResult<0>;
  bpf(cmd: typeof Cmd.OBJ_GET, attr: ObjAttr): SysResult<number>;
  bpf(cmd: number, attr: BpfAttr): SysResult<unknown>;
  bpf(cmd: number, attr: BpfAttr): SysResult<unknown> {
    return sysBpf(this, cmd, attr);
  }

  /** close(2) */
  close(fd: number): SysResult<0> {
    const f = this.fdGet(fd);
    if (!f) return { ok: false, errno: E.EBADF };
    this.fds[fd] = undefined;
    this.release(f, true);
    return { ok: true, value: 0 };
  }

  /**
   * perf_event_open(2) for a BPF output event on `cpu`, mapped by a reader with `pages` data pages
   * (a power of two; default 8, as samples/bpf maps them): the fd of a simulated perf event.
   */
  perfEventOpen(opts: { cpu: number; pages?: number }): SysResult<number> {
    const cpu = opts.cpu;
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.world.ncpus) return { ok: false, errno: E.EINVAL };
    if (opts.pages !== undefined && !validPages(opts.pages)) return { ok: false, errno: E.EINVAL };
    const fd = this.lowestFreeFd();
    if (fd < 0) return { ok: false, errno: E.EMFILE };
    const event: PerfEvent = { fd, cpu, counter: 0n, ring: new PerfRing(this.mem, opts.pages) };
    this.perfRefs.set(event, 1);
    this.fds[fd] = { kind: 'perf', obj: event };
    return { ok: true, value: fd };
  }

  /** open(2) of a cgroup v2 directory ("/app" or "/sys/fs/cgroup/app"), for CGROUP_ARRAY values. */
  cgroupOpen(path: string): SysResult<number> {
    const cg = this.world.findCgroup(path);
    if (!cg) return { ok: false, errno: E.ENOENT };
    const fd = this.lowestFreeFd();
    if (fd < 0) return { ok: false, errno: E.EMFILE };
    this.fds[fd] = { kind: 'cgroup', obj: cg };
    return { ok: true, value: fd };
  }

  // ---- objects ----

  /** What fd refers to, if it is open. */
  fdGet(fd: number): FileObject<Prog> | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.fds[fd] : undefined;
  }

  /** The map an fd refers to. */
  mapOfFd(fd: number): MapBase | undefined {
    const f = this.fdGet(fd);
    return f?.kind === 'map' ? f.obj : undefined;
  }

  /** The program an fd refers to. */
  progOfFd(fd: number): Prog | undefined {
    const f = this.fdGet(fd);
    return f?.kind === 'prog' ? f.obj : undefined;
  }

  mapById(id: number): MapBase | undefined {
    return this.mapsById.get(id);
  }

  progById(id: number): Prog | undefined {
    return this.progsById.get(id);
  }

  /** Opens a new fd on a live object (bpftool's get_fd_by_id), or ENOENT / EMFILE. */
  openById(kind: 'map' | 'prog', id: number): SysResult<number> {
    const obj = kind === 'map' ? this.mapsById.get(id) : this.progsById.get(id);
    return obj ? this.installFd(fileOf(obj)) : { ok: false, errno: E.ENOENT };
  }

  /** Every live map and program, by id, with the fds and pins that refer to them. */
  objects(): { maps: MapInfo[]; progs: ProgInfo[] } {
    const fdsOf = (obj: unknown) => this.fds.flatMap((f, fd) => (f && f.obj === obj ? [fd] : []));
    const pins = new Map<unknown, string[]>();
    for (const { path, node } of this.fs.walkAll()) {
      if (node.type === 'obj') pins.set(node.obj, [...(pins.get(node.obj) ?? []), path]);
    }
    const maps = [...this.mapsById.values()].map((m) => ({
      map: m, id: m.id, type: m.mapType, name: m.name, memlock: pageRound(m.cost),
      fds: fdsOf(m), pins: pins.get(m) ?? [], refcnt: m.refcnt,
    }));
    const progs = [...this.progsById.values()].map((p) => ({
      prog: p, id: p.id, type: p.progType, name: p.name, tag: p.tag, gpl: p.gplCompatible,
      xlatedLen: p.bytes.length, memlock: pageRound(40 + p.bytes.length), mapIds: p.maps.map((m) => m.id),
      loadTimeNs: p.loadTimeNs, uid: p.uid, fds: fdsOf(p), pins: pins.get(p) ?? [],
    }));
    return { maps, progs };
  }

  // ---- internal: used by sys.ts and persist.ts ----

  /** @internal The lowest free fd, or -1 when RLIMIT_NOFILE is reached. */
  lowestFreeFd(): number {
    for (let fd = 0; fd < NOFILE; fd++) if (!this.fds[fd]) return fd;
    return -1;
  }

  /** @internal Installs an fd for an object, taking a (user) reference. */
  installFd(f: FileObject<Prog>): SysResult<number> {
    const fd = this.lowestFreeFd();
    if (fd < 0) return { ok: false, errno: E.EMFILE };
    const held = this.hold(f, true);
    if (held) return { ok: false, errno: -held };
    this.fds[fd] = f;
    return { ok: true, value: fd };
  }

  /** @internal Creates a map object (MAP_CREATE after its attr checks) with no reference yet. */
  createMap(attr: MapCreateAttr): MapBase | number {
    const ops = MAP_TYPES.get(attr.mapType);
    if (!ops) return -E.EINVAL;
    const norm = { mapType: attr.mapType, keySize: attr.keySize, valueSize: attr.valueSize, maxEntries: attr.maxEntries, mapFlags: attr.mapFlags ?? 0 };
    const ncpus = this.world.ncpus;
    const checked = ops.check(norm, { privileged: this.privileged, ncpus });
    if (typeof checked === 'number') return checked;
    if (this.memUsed + checked.cost > this.memCapBytes) return -E.ENOMEM;
    const id = this.nextMapId++;
    const addr = MAP_ADDR_BASE + MAP_ADDR_STEP * BigInt(this.mapSeq++);
    const name = (attr.name ?? '').slice(0, 15);
    const map = ops.create({ mem: this.mem, ncpus, id, addr, name, files: this.files }, norm);
    map.cost = checked.cost;
    this.memUsed += checked.cost;
    this.mapsById.set(id, map);
    this.mapsByAddr.set(addr, map);
    return map;
  }

  /** @internal Registers a loaded program (after verification) with no reference yet. */
  createProg(p: ProgSpec): Prog {
    const prog = new Prog(this.nextProgId++, p.progType, p.name.slice(0, 15), p.bytes, p.maps, p.license, p.privileged, p.kernVersion, this.world.clockNs, this.uid, p.tag);
    for (const m of p.maps) m.refcnt++;
    this.progsById.set(prog.id, prog);
    return prog;
  }

  /** @internal The file table the fd arrays resolve values with (they hand back only files it gave them). */
  readonly files: FileTable = {
    fdGet: (fd) => this.fdGet(fd),
    hold: (f) => this.hold(f as FileObject<Prog>, false),
    release: (f) => this.release(f as FileObject<Prog>, false),
    idOf: (f) => (f.kind === 'perf' ? f.obj.fd : f.kind === 'cgroup' ? this.world.cgroups.indexOf(f.obj) + 1 : f.kind === 'file' ? 0 : f.obj.id),
  };

  /** @internal Takes a reference on an object; `user` for fds and pins. 0 or -EBUSY. */
  hold(f: FileObject<Prog>, user: boolean): number {
    switch (f.kind) {
      case 'map':
        if (f.obj.refcnt >= BPF_MAX_REFCNT) return -E.EBUSY;
        f.obj.refcnt++;
        if (user) f.obj.usercnt++;
        return 0;
      case 'prog':
        if (f.obj.refcnt >= BPF_MAX_REFCNT) return -E.EBUSY;
        f.obj.refcnt++;
        return 0;
      case 'perf':
        this.perfRefs.set(f.obj, (this.perfRefs.get(f.obj) ?? 0) + 1);
        return 0;
      default:
        return 0;
    }
  }

  /** @internal Drops a reference; the object is freed with its last one. */
  release(f: FileObject<Prog>, user: boolean): void {
    if (f.kind === 'map') this.mapPut(f.obj, user);
    else if (f.kind === 'prog') this.progPut(f.obj);
    else if (f.kind === 'perf') {
      const n = (this.perfRefs.get(f.obj) ?? 1) - 1;
      if (n > 0) this.perfRefs.set(f.obj, n);
      else this.perfRefs.delete(f.obj);
    }
  }

  private mapPut(map: MapBase, user: boolean): void {
    if (user && --map.usercnt === 0 && map.mapType === MapType.ProgArray) map.clear();
    if (--map.refcnt > 0) return;
    map.free();
    this.memUsed -= map.cost;
    this.mapsById.delete(map.id);
    this.mapsByAddr.delete(map.addr);
  }

  private progPut(prog: Prog): void {
    if (--prog.refcnt > 0) return;
    this.progsById.delete(prog.id);
    for (const m of prog.maps) this.mapPut(m, false);
  }

  /** @internal Pins an object (the reference is taken by the caller); then schedules a sync. */
  pinned(path: string, kind: PinnedKind, obj: MapBase | Prog): number {
    if (this.unavailable.has(normalizePath(path))) return -E.EEXIST; // the stored pin is still there
    return this.synced(this.fs.pin(path, kind, obj));
  }

  // ---- bpffs through the VFS (the shell's mkdir / rm) ----

  /** mkdir(2) on bpffs: 0 or a negative errno. */
  mkdir(path: string): number {
    return this.synced(this.fs.mkdir(path));
  }

  /** unlink(2): removes a pin and drops its reference. */
  unlink(path: string): number {
    const node = this.fs.unlink(path);
    if (node === -E.ENOENT && this.unavailable.delete(normalizePath(path))) {
      this.scheduleSync(); // the user removed a pin that could not be restored: now its records go
      return 0;
    }
    if (typeof node === 'number') return node;
    this.release(fileOf(node.obj), true);
    this.scheduleSync();
    return 0;
  }

  /** rmdir(2) */
  rmdir(path: string): number {
    return this.synced(this.fs.rmdir(path));
  }

  /** A bpffs change's result; a success is written to the storage. */
  private synced(r: number): number {
    if (r === 0) this.scheduleSync();
    return r;
  }

  // ---- persistence ----

  /** Queues a write of the pinned state to the storage port (no-op without one). */
  scheduleSync(): void {
    if (!this.storage) return;
    this.syncChain = this.syncChain
      .then(() => saveSnapshot(this))
      .then(() => {
        this.syncError = null;
      })
      .catch((e: unknown) => {
        this.syncError = e;
      });
  }

  /** Writes every pinned object (with current map contents) to the storage port. */
  sync(): Promise<void> {
    this.scheduleSync();
    return this.syncChain;
  }

  /** A kernel over `storage` with the pinned objects it holds restored (a simulated restart). */
  static async restore(opts: KernelOptions & { storage: StoragePort }): Promise<Kernel> {
    const k = new Kernel(opts);
    await loadSnapshot(k);
    return k;
  }

  // ---- KernelServices ----

  mapByAddr(addr: bigint): BpfMap | undefined {
    return this.mapsByAddr.get(BigInt.asUintN(64, addr));
  }

  progArrayGet(map: BpfMap, index: number): LoadedProg | null {
    return map instanceof ProgArrayMap ? map.slot(index) : null;
  }

  perfEventGet(map: BpfMap, index: number): PerfEvent | null {
    return map instanceof FdArrayMap && map.mapType === MapType.PerfEventArray ? (map.slot(index) as PerfEvent | null) : null;
  }

  cgroupGet(map: BpfMap, index: number): Cgroup | null {
    return map instanceof FdArrayMap && map.mapType === MapType.CgroupArray ? (map.slot(index) as Cgroup | null) : null;
  }

  stackStore(map: BpfMap, ips: readonly bigint[], flags: bigint): number {
    return map instanceof StackTraceMap ? map.store(ips, flags) : -E.EINVAL;
  }

  traceWrite(line: string, cpu = this.world.cpu, msgLen = line.length): void {
    this.trace.write(line, cpu, msgLen);
  }
}

/** What createProg needs. */
const pageRound = (n: number): number => Math.ceil(n / 4096) * 4096;
