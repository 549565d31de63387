/**
 * bpf(2) as Linux 4.8 answers it: one typed attr per command (the fields of union bpf_attr;
 * pointers are Uint8Array or null, paths are strings), the syscall's common checks (the
 * unprivileged sysctl, the attr size, unused fields that must be zero), then each command in
 * 4.8's order of checks. Results are values: `{ ok: true, value }` or `{ ok: false, errno }`
 * with a positive errno. PROG_LOAD asks the injected verifier; without one it does the
 * syscall-level checks and the map-fd pre-scan itself and accepts.
 * Extensions beyond 4.8's union, for the debugger: `name` on MAP_CREATE and PROG_LOAD.
 */
import { Cmd, Errno as E, readRaw } from '../isa';
import type { BpfFs, PinnedKind } from './bpffs';
import type { FileObject, MapBase } from './maps';
import { ProgArrayMap } from './maps/prog-array';
import { convertPseudoLdImm64, copyLicense, fileOf, prescan, prescannedBytes, progLoadChecks, progTag, type ObjectFile, type Prog, type ProgSpec } from './prog';
import type { BpfMap, MapFdResolver, ProgLoadRequest, ProgLoadVerdict, ProgVerifier } from './types';

export type SysResult<T> = { ok: true; value: T } | { ok: false; errno: number };

/** What bpf(2) needs of the kernel it runs in (kernel.ts's Kernel, which passes itself). */
export interface SysKernel {
  /** the caller has CAP_SYS_ADMIN */
  privileged: boolean;
  /** kernel.unprivileged_bpf_disabled */
  unprivilegedBpfDisabled: boolean;
  verifier: ProgVerifier | undefined;
  readonly fs: BpfFs<MapBase | Prog>;
  fdGet(fd: number): FileObject<Prog> | undefined;
  installFd(f: FileObject<Prog>): SysResult<number>;
  hold(f: FileObject<Prog>, user: boolean): number;
  release(f: FileObject<Prog>, user: boolean): void;
  createMap(attr: MapCreateAttr): MapBase | number;
  createProg(p: ProgSpec): Prog;
  mapByAddr(addr: bigint): BpfMap | undefined;
  pinned(path: string, kind: PinnedKind, obj: MapBase | Prog): number;
}
/** PROG_LOAD's answer carries the log (and the verifier's analysis) whatever the outcome. */
/** `reason`: why a refusal has no message in any log (bpflab's; ProgLoadVerdict.reason) */
export type ProgLoadResult = SysResult<number> & { log: string; analysis?: unknown; reason?: string };

/** What every attr may carry about the raw call. */
interface AttrCommon {
  /** bpf(2)'s size argument (default 48, sizeof(union bpf_attr) in 4.8); fields past it read as 0 */
  size?: number;
  /** raw bytes the caller put after the command's last field, up to `size` */
  trailing?: Uint8Array;
}

export interface MapCreateAttr extends AttrCommon {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags?: number;
  /** bpflab: the map's name for bpftool and the IDE (not in 4.8's union) */
  name?: string;
}

/** MAP_LOOKUP_ELEM, MAP_UPDATE_ELEM, MAP_DELETE_ELEM */
export interface MapElemAttr extends AttrCommon {
  mapFd: number;
  /** key_size bytes; null is a NULL pointer (EFAULT) */
  key: Uint8Array | null;
  /** update: the value to store; lookup: an optional buffer to fill (null: EFAULT) */
  value?: Uint8Array | null;
  flags?: bigint | number;
}

export interface MapGetNextKeyAttr extends AttrCommon {
  mapFd: number;
  /** null or a missing key gives the first key */
  key: Uint8Array | null;
  /** optional buffer to fill with the next key (null: EFAULT) */
  nextKey?: Uint8Array | null;
}

export interface ProgLoadAttr extends AttrCommon {
  progType: number;
  /** the instructions, 8 bytes each; null is a NULL pointer */
  insns: Uint8Array | null;
  /** default: insns.length / 8 */
  insnCnt?: number;
  /** null is a NULL pointer (EFAULT) */
  license: string | null;
  logLevel?: number;
  logSize?: number;
  /** user space's log buffer: filled with the log, NUL terminated, as the kernel copies it */
  logBuf?: Uint8Array | null;
  kernVersion?: number;
  /** bpflab: the program's name for bpftool and the IDE (not in 4.8's union) */
  name?: string;
}

/** OBJ_PIN and OBJ_GET */
export interface ObjAttr extends AttrCommon {
  pathname: string | null;
  bpfFd?: number;
}

export type BpfAttr = MapCreateAttr | MapElemAttr | MapGetNextKeyAttr | ProgLoadAttr | ObjAttr;

/** sizeof(union bpf_attr) in 4.8 */
const BPF_ATTR_SIZE = 48;
const PAGE_SIZE = 4096;

/** Offsets of each command's fields in union bpf_attr, and where its last field ends (CHECK_ATTR). */
const LAYOUT: Record<number, { fields: [string, number][]; end: number }> = {
  [Cmd.MAP_CREATE]: { fields: [['mapType', 0], ['keySize', 4], ['valueSize', 8], ['maxEntries', 12], ['mapFlags', 16]], end: 20 },
  [Cmd.MAP_LOOKUP_ELEM]: { fields: [['mapFd', 0], ['key', 8], ['value', 16], ['flags', 24]], end: 24 },
  [Cmd.MAP_UPDATE_ELEM]: { fields: [['mapFd', 0], ['key', 8], ['value', 16], ['flags', 24]], end: 32 },
  [Cmd.MAP_DELETE_ELEM]: { fields: [['mapFd', 0], ['key', 8], ['value', 16], ['flags', 24]], end: 16 },
  [Cmd.MAP_GET_NEXT_KEY]: { fields: [['mapFd', 0], ['key', 8], ['nextKey', 16], ['flags', 24]], end: 24 },
  [Cmd.PROG_LOAD]: {
    fields: [['progType', 0], ['insnCnt', 4], ['insns', 8], ['license', 16], ['logLevel', 24], ['logSize', 28], ['logBuf', 32], ['kernVersion', 40]],
    end: 44,
  },
  [Cmd.OBJ_PIN]: { fields: [['pathname', 0], ['bpfFd', 8]], end: 12 },
  [Cmd.OBJ_GET]: { fields: [['pathname', 0], ['bpfFd', 8]], end: 12 },
};

const fail = (errno: number): { ok: false; errno: number } => ({ ok: false, errno: Math.abs(errno) });
const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== 0 && v !== 0n && v !== '';

/**
 * The syscall entry: the sysctl, the attr size rules (E2BIG past PAGE_SIZE or for non-zero bytes
 * past the union), fields past `size` read as zero, CHECK_ATTR (EINVAL for non-zero bytes or
 * fields after the command's last one), then the command. Unknown commands give EINVAL.
 */
export function sysBpf(k: SysKernel, cmd: number, attr: BpfAttr): SysResult<unknown> {
  if (!k.privileged && k.unprivilegedBpfDisabled) return fail(E.EPERM);
  const size = attr.size ?? BPF_ATTR_SIZE;
  if (!Number.isInteger(size) || size < 0) return fail(E.EFAULT);
  if (size > PAGE_SIZE) return fail(E.E2BIG);
  const layout = LAYOUT[cmd];
  const end = layout?.end ?? 0;
  const trailing = attr.trailing ?? new Uint8Array(0);
  for (let i = 0; i < trailing.length && end + i < size; i++) {
    if (trailing[i] && end + i >= BPF_ATTR_SIZE) return fail(E.E2BIG);
  }
  if (!layout) return fail(E.EINVAL);
  const a = truncated(attr, layout.fields, size) as unknown as Record<string, unknown>;
  // CHECK_ATTR: nothing after the last field
  for (let i = 0; i < trailing.length && end + i < Math.min(size, BPF_ATTR_SIZE); i++) if (trailing[i]) return fail(E.EINVAL);
  for (const [name, off] of layout.fields) if (off >= end && isSet(a[name])) return fail(E.EINVAL);
  switch (cmd) {
    case Cmd.MAP_CREATE:
      return mapCreate(k, a as unknown as MapCreateAttr);
    case Cmd.MAP_LOOKUP_ELEM:
      return mapLookup(k, a as unknown as MapElemAttr);
    case Cmd.MAP_UPDATE_ELEM:
      return mapUpdate(k, a as unknown as MapElemAttr);
    case Cmd.MAP_DELETE_ELEM:
      return mapDelete(k, a as unknown as MapElemAttr);
    case Cmd.MAP_GET_NEXT_KEY:
      return mapGetNextKey(k, a as unknown as MapGetNextKeyAttr);
    case Cmd.PROG_LOAD:
      return progLoad(k, a as unknown as ProgLoadAttr);
    case Cmd.OBJ_PIN:
      return objPin(k, a as unknown as ObjAttr);
    default:
      return objGet(k, a as unknown as ObjAttr);
  }
}

/** The attr as the kernel sees it when user space passed only `size` bytes. */
function truncated(attr: BpfAttr, fields: [string, number][], size: number): BpfAttr {
  if (size >= BPF_ATTR_SIZE) return attr;
  const copy: Record<string, unknown> = { ...attr };
  for (const [name, off] of fields) {
    if (off < size) continue;
    const v = copy[name];
    copy[name] = typeof v === 'bigint' ? 0n : typeof v === 'number' ? 0 : v === undefined ? undefined : null;
  }
  return copy as unknown as BpfAttr;
}

function mapCreate(k: SysKernel, a: MapCreateAttr): SysResult<number> {
  const u32 = (n: number | undefined) => (n ?? 0) >>> 0;
  const map = k.createMap({ ...a, mapType: u32(a.mapType), keySize: u32(a.keySize), valueSize: u32(a.valueSize), maxEntries: u32(a.maxEntries), mapFlags: u32(a.mapFlags) });
  if (typeof map === 'number') return fail(map);
  const r = k.installFd({ kind: 'map', obj: map });
  if (!r.ok) k.release({ kind: 'map', obj: map }, false);
  return r;
}

/** __bpf_map_get: EBADF for a closed fd, EINVAL for an fd that is not a map. */
function mapOf(k: SysKernel, fd: number): MapBase | number {
  const f = k.fdGet(fd);
  if (!f) return -E.EBADF;
  return f.kind === 'map' ? f.obj : -E.EINVAL;
}

/** copy_from_user of `n` bytes: EFAULT for NULL or a buffer too short. */
const copyIn = (buf: Uint8Array | null | undefined, n: number): Uint8Array | number =>
  !buf || buf.length < n ? -E.EFAULT : buf.slice(0, n);

/** copy_to_user into an optional buffer. */
function copyOut(buf: Uint8Array | null | undefined, data: Uint8Array): Uint8Array | number {
  if (buf === undefined) return data;
  if (buf === null || buf.length < data.length) return -E.EFAULT;
  buf.set(data);
  return data;
}

const u64 = (f: bigint | number | undefined): bigint => BigInt.asUintN(64, BigInt(f ?? 0));

function mapLookup(k: SysKernel, a: MapElemAttr): SysResult<Uint8Array> {
  const map = mapOf(k, a.mapFd);
  if (typeof map === 'number') return fail(map);
  const key = copyIn(a.key, map.keySize);
  if (typeof key === 'number') return fail(key);
  const v = map.lookup(key);
  if (typeof v === 'number') return fail(v);
  const out = copyOut(a.value, v);
  return typeof out === 'number' ? fail(out) : { ok: true, value: out };
}

function mapUpdate(k: SysKernel, a: MapElemAttr): SysResult<0> {
  const map = mapOf(k, a.mapFd);
  if (typeof map === 'number') return fail(map);
  const key = copyIn(a.key, map.keySize);
  if (typeof key === 'number') return fail(key);
  const value = copyIn(a.value, map.userValueSize);
  if (typeof value === 'number') return fail(value);
  const r = map.update(key, value, u64(a.flags));
  return r ? fail(r) : { ok: true, value: 0 };
}

function mapDelete(k: SysKernel, a: MapElemAttr): SysResult<0> {
  const map = mapOf(k, a.mapFd);
  if (typeof map === 'number') return fail(map);
  const key = copyIn(a.key, map.keySize);
  if (typeof key === 'number') return fail(key);
  const r = map.delete(key);
  return r ? fail(r) : { ok: true, value: 0 };
}

/** 4.8 copied the key unconditionally (NULL: EFAULT); bpflab lets NULL restart at the first key, as 4.12+. */
function mapGetNextKey(k: SysKernel, a: MapGetNextKeyAttr): SysResult<Uint8Array> {
  const map = mapOf(k, a.mapFd);
  if (typeof map === 'number') return fail(map);
  let key: Uint8Array | null = null;
  if (a.key !== null && a.key !== undefined) {
    const c = copyIn(a.key, map.keySize);
    if (typeof c === 'number') return fail(c);
    key = c;
  }
  const next = map.getNextKey(key);
  if (typeof next === 'number') return fail(next);
  const out = copyOut(a.nextKey, next);
  return typeof out === 'number' ? fail(out) : { ok: true, value: out };
}

function progLoad(k: SysKernel, a: ProgLoadAttr): ProgLoadResult {
  const failed = (errno: number, log = '', analysis?: unknown, reason?: string): ProgLoadResult => ({ ok: false, errno: Math.abs(errno), log, analysis, ...(reason ? { reason } : {}) });
  if (a.license === null || a.license === undefined) return failed(E.EFAULT);
  const license = copyLicense(a.license);
  const insnCnt = (a.insnCnt ?? (a.insns ? a.insns.length >> 3 : 0)) >>> 0;
  const copied = a.insns != null && a.insns.length >= insnCnt * 8;
  // the verifier runs these checks itself (and explains them in its analysis)
  if (!k.verifier || !copied) {
    const bad = progLoadChecks({ progType: a.progType, kernVersion: (a.kernVersion ?? 0) >>> 0, privileged: k.privileged }, insnCnt, copied);
    if (bad) return failed(bad.errno);
  }
  const bytes = a.insns!.slice(0, insnCnt * 8);
  let verdict: ProgLoadVerdict;
  if (k.verifier) {
    verdict = k.verifier(loadRequest(k, a, bytes, license));
    writeLog(a, verdict.log);
  } else {
    verdict = prescanOnly(k, bytes);
  }
  if (!verdict.ok || !verdict.bytes) return failed(verdict.errno || E.EINVAL, verdict.log, verdict.analysis, verdict.reason);
  const maps = (verdict.maps ?? []).map((m) => k.mapByAddr(m.addr) as MapBase);
  const spec = { progType: a.progType, name: a.name ?? '', bytes: convertPseudoLdImm64(verdict.bytes), maps, license, privileged: k.privileged, kernVersion: (a.kernVersion ?? 0) >>> 0, tag: progTag(bytes) };
  // bpf_prog_select_runtime's bpf_check_tail_call: every PROG_ARRAY used takes this type
  for (const m of maps) {
    if (m instanceof ProgArrayMap && !m.compatible({ progType: a.progType })) {
      return failed(E.EINVAL, verdict.log, verdict.analysis, `prog_array ${m.name || `id ${m.id}`} already holds programs of another type (bpf_prog_select_runtime's tail-call check)`);
    }
  }
  if (maps.some((m) => m.refcnt >= 32768)) return failed(E.EBUSY, verdict.log, verdict.analysis, 'a map it uses is held 32768 times (BPF_MAX_REFCNT)');
  const prog = k.createProg(spec);
  const fd = k.installFd({ kind: 'prog', obj: prog });
  if (!fd.ok) {
    prog.refcnt = 1;
    k.release({ kind: 'prog', obj: prog }, false);
    return failed(fd.errno, verdict.log, verdict.analysis);
  }
  return { ...fd, log: verdict.log, analysis: verdict.analysis };
}

function loadRequest(k: SysKernel, a: ProgLoadAttr, bytes: Uint8Array, license: string): ProgLoadRequest {
  return {
    progType: a.progType >>> 0,
    bytes,
    license,
    logLevel: (a.logLevel ?? 0) >>> 0,
    logSize: (a.logSize ?? 0) >>> 0,
    logBuf: a.logBuf != null,
    kernVersion: (a.kernVersion ?? 0) >>> 0,
    privileged: k.privileged,
    resolveMapFd: mapResolver(k),
  };
}

/** The log copied into user space's buffer: at most log_size bytes, NUL terminated. */
function writeLog(a: ProgLoadAttr, log: string): void {
  const buf = a.logBuf;
  const size = Math.min((a.logSize ?? 0) >>> 0, buf?.length ?? 0);
  if (!buf || size === 0 || !log) return;
  const bytes = new TextEncoder().encode(log).subarray(0, size - 1);
  buf.set(bytes);
  buf[bytes.length] = 0;
}

/** Without a verifier: the ld_imm64 part of the pre-scan. */
function prescanOnly(k: SysKernel, bytes: Uint8Array): ProgLoadVerdict {
  const n = bytes.length >> 3;
  const insns = Array.from({ length: n }, (_, i) => readRaw(bytes, i));
  const maps: BpfMap[] = [];
  const mapOf = new Int32Array(n).fill(-1);
  const bad = prescan(insns, mapResolver(k), maps, mapOf, false);
  if (bad) return { ok: false, errno: bad.errno, log: '' };
  return { ok: true, errno: 0, log: '', bytes: prescannedBytes(bytes, insns, mapOf), maps };
}

/** The pre-scan's view of the fd table: the map of an fd, or why not (__bpf_map_get). */
const mapResolver =
  (k: SysKernel): MapFdResolver =>
  (fd) => {
    const m = mapOf(k, fd);
    return typeof m === 'number' ? (m === -E.EBADF ? 'EBADF' : 'EINVAL') : m;
  };

/** bpf_fd_probe_obj: a map fd first, else a program fd (whose errors are the answer). */
function probeObj(k: SysKernel, fd: number): ObjectFile | number {
  const f = k.fdGet(fd);
  if (!f) return -E.EBADF;
  if (f.kind !== 'map' && f.kind !== 'prog') return -E.EINVAL;
  const held = k.hold(f, true);
  return held || f;
}

/** getname(): EFAULT for NULL, ENOENT for "", ENAMETOOLONG at PATH_MAX. */
function getname(p: string | null | undefined): string | number {
  if (p === null || p === undefined) return -E.EFAULT;
  const s = p.split('\0')[0];
  if (s.length === 0) return -E.ENOENT;
  if (s.length >= 4096) return -E.ENAMETOOLONG;
  return s;
}

function objPin(k: SysKernel, a: ObjAttr): SysResult<0> {
  const path = getname(a.pathname);
  if (typeof path === 'number') return fail(path);
  const f = probeObj(k, (a.bpfFd ?? 0) | 0);
  if (typeof f === 'number') return fail(f);
  const r = k.pinned(path, f.kind, f.obj);
  if (r) {
    k.release(f, true);
    return fail(r);
  }
  return { ok: true, value: 0 };
}

function objGet(k: SysKernel, a: ObjAttr): SysResult<number> {
  if (a.bpfFd) return fail(E.EINVAL);
  const path = getname(a.pathname);
  if (typeof path === 'number') return fail(path);
  const node = k.fs.lookup(path);
  if (typeof node === 'number') return fail(node);
  if (node.type !== 'obj') return fail(E.EACCES);
  return k.installFd(fileOf(node.obj));
}
