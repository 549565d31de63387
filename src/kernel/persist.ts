/**
 * Pinned objects across restarts: the state bpffs holds (directories, pins, and every object a
 * pin reaches: maps with their contents, programs with their instructions, the programs in a
 * PROG_ARRAY) as JSON records in the kernel's storage port, and the restore that rebuilds it in
 * a new kernel. Records live under the prefix "bpffs/": "dir<path>", "pin<path>" (naming an
 * object key), "obj/map/<n>" and "obj/prog/<n>" (n stable across restarts, not the object's id).
 * A large map (more than one chunk of CHUNK_BYTES of values: maps/common.ts) is stored as an
 * index record naming its chunk records, "obj/map/<n>/<i>.<stamp>" (null for a chunk with
 * nothing to store), so that editing one entry of a 7M-entry array rewrites one chunk and the
 * index. A save serializes only maps (and chunks) whose content stamp changed, writes only records
 * that changed (new chunks before the index that names them) and deletes what is gone last, so a
 * save stopped half-way leaves the last complete state readable; except the records of pins that
 * could not be restored (they do not fit this kernel): those stay, are listed as unavailable, and
 * come back in a kernel where they fit. Restore reads both the chunked and the whole-map records
 * (the form before chunks). Restored objects get new ids and addresses; hash maps keep their order.
 */
import { Errno as E, MapType, VALUE_ARRAY_MAP_TYPES, bytesToHex, errnoName } from '../isa';
import type { StoragePort } from './storage';
import type { SysKernel, SysResult } from './sys';
import { leValue } from '../mem';
import type { MapBase } from './maps';
import { indexKey } from './maps/common';
import { FdArrayMap } from './maps/fd-array';
import { ProgArrayMap } from './maps/prog-array';
import { StackTraceMap } from './maps/stack-trace';
import { fileOf, type Prog } from './prog';
import type { Cgroup, PerfEvent } from './types';

/** What persistence needs of the kernel (kernel.ts's Kernel, which passes itself): bpf(2)'s side, the storage, and opening perf events and cgroups. */
interface PersistKernel extends Pick<SysKernel, 'fs' | 'hold' | 'release' | 'installFd' | 'createMap' | 'createProg'> {
  readonly storage: StoragePort | undefined;
  /** what the storage holds, as last written */
  stored: Map<string, string>;
  /** whether `stored` includes the keys the storage held before this kernel wrote */
  storedListed: boolean;
  /** pins whose objects could not be restored, by path: kept in storage until removed */
  unavailable: Map<string, UnavailablePin>;
  /** each object's storage key, stable across restarts (a restored object keeps the one it came from) */
  objKeys: WeakMap<MapBase | Prog, string>;
  /** the number the next new object's key gets (above every key stored) */
  nextObjKey: number;
  readonly memCapBytes: number;
  close(fd: number): SysResult<0>;
  perfEventOpen(opts: { cpu: number; pages?: number }): SysResult<number>;
  cgroupOpen(path: string): SysResult<number>;
}

const PREFIX = 'bpffs/';

/** A pin stored but not restored (its map does not fit this kernel): why, and the records it keeps. */
export interface UnavailablePin {
  kind: 'map' | 'prog';
  reason: string;
  /** storage keys of the pin's record and of every object record it reaches */
  keys: string[];
}
const V = 1;

/** Stored hex back to bytes; a damaged record reads as zeros where it is not hex (hexToBytes would refuse it whole). */
const unhex = (s: string): Uint8Array => new Uint8Array((s.match(/../g) ?? []).map((x) => parseInt(x, 16)));

interface MapRecord {
  v: number;
  kind: 'map';
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
  ncpus: number;
  /** key and user-side value in hex, in GET_NEXT_KEY order (arrays: non-zero values only) */
  entries: [string, string][];
  /** a large map: the keys of its chunk records in order (null: a chunk with nothing stored); then `entries` is empty */
  chunks?: (string | null)[];
  /** fd arrays: index and what the slot holds (a program key, a perf event's cpu, a cgroup path) */
  slots?: [number, string | number][];
  owner?: number;
}

/** One chunk of a large map's entries, as `MapRecord.entries`. */
interface ChunkRecord {
  v: number;
  kind: 'chunk';
  entries: [string, string][];
}

interface ProgRecord {
  v: number;
  kind: 'prog';
  type: number;
  name: string;
  license: string;
  privileged: boolean;
  kernVersion: number;
  insns: string;
  maps: string[];
  /** ld_imm64 slots that load a map: slot index and index into `maps` */
  mapSlots: [number, number][];
  tag: string;
}

/**
 * An object's storage key: the one it was restored from, else a new number above every key the
 * storage holds. Not its id: a restored kernel numbers its objects afresh, and a record kept for a
 * pin that could not be restored must not be overwritten by another object of the same id.
 */
function objKey(k: PersistKernel, o: MapBase | Prog): string {
  let key = k.objKeys.get(o);
  if (key === undefined) {
    key = `obj/${'bytes' in o ? 'prog' : 'map'}/${k.nextObjKey++}`;
    k.objKeys.set(o, key);
  }
  return key;
}

/** One more than the highest object number among storage keys. */
function nextKeyAfter(keys: Iterable<string>): number {
  let n = 0;
  for (const key of keys) {
    const m = /obj\/(?:map|prog)\/(\d+)$/.exec(key);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return n + 1;
}

/** The last record written of each map, with the map's content stamp then; and of each chunk, by stamp. */
const written = new WeakMap<MapBase, { stamp: string; json: string }>();
const writtenChunks = new WeakMap<MapBase, Map<string, string | null>>();

/** A map's record, from the last save if its content stamp has not changed since. */
function mapJson(m: MapBase, visit: (o: MapBase | Prog) => string): string {
  const stamp = m.contentStamp();
  const last = written.get(m);
  if (stamp !== null && last?.stamp === stamp) return last.json;
  const json = JSON.stringify(mapRecord(m, visit));
  if (stamp !== null) written.set(m, { stamp, json });
  return json;
}

/** Keeps a user-side entry in a record: an array's all-zero values are not stored. */
function keep(m: MapBase, e: { key: Uint8Array; value: Uint8Array }, into: [string, string][]): void {
  if (VALUE_ARRAY_MAP_TYPES.has(m.mapType) && e.value.every((b) => b === 0)) return;
  into.push([bytesToHex(e.key), bytesToHex(e.value)]);
}

/**
 * A large map's records into `out`: each chunk whose stamp the last save did not write is
 * serialized, then the index naming them (added after its chunks, so it is written after them).
 */
function chunkedMap(m: MapBase, key: string, out: Map<string, string>): boolean {
  const chunks = m.chunks();
  if (!chunks) return false;
  const last = writtenChunks.get(m) ?? new Map<string, string | null>();
  const now = new Map<string, string | null>();
  const names: (string | null)[] = [];
  chunks.stamps.forEach((stamp, i) => {
    const name = `${key}/${i}.${stamp}`;
    let json = last.get(name);
    if (json === undefined) {
      const entries: [string, string][] = [];
      for (const e of chunks.entries(i)) keep(m, e, entries);
      json = entries.length ? JSON.stringify({ v: V, kind: 'chunk', entries } satisfies ChunkRecord) : null;
    }
    now.set(name, json);
    names.push(json === null ? null : name);
    if (json !== null) out.set(PREFIX + name, json);
  });
  writtenChunks.set(m, now);
  out.set(PREFIX + key, JSON.stringify({ ...mapHeader(m), chunks: names } satisfies MapRecord));
  return true;
}

/** The records of everything pinned, as they would be stored now. */
function snapshot(k: PersistKernel): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<MapBase | Prog>();
  const visit = (o: MapBase | Prog): string => {
    const key = objKey(k, o);
    if (!seen.has(o)) {
      seen.add(o);
      if ('bytes' in o) out.set(PREFIX + key, JSON.stringify(progRecord(o, visit)));
      else if (!chunkedMap(o, key, out)) out.set(PREFIX + key, mapJson(o, visit));
    }
    return key;
  };
  for (const { path, node } of k.fs.walkAll()) {
    if (node.type === 'dir') out.set(`${PREFIX}dir${path}`, JSON.stringify({ v: V }));
    else out.set(`${PREFIX}pin${path}`, JSON.stringify({ v: V, obj: visit(node.obj) }));
  }
  return out;
}

function mapHeader(m: MapBase): MapRecord {
  return {
    v: V, kind: 'map', type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries,
    flags: m.mapFlags, name: m.name, ncpus: m.valueCopies,
    entries: [],
  };
}

function mapRecord(m: MapBase, visit: (o: MapBase | Prog) => string): MapRecord {
  const r = mapHeader(m);
  if (m instanceof FdArrayMap) {
    r.slots = [];
    for (let i = 0; i < m.maxEntries; i++) {
      const o = m.slot(i);
      if (o === null) continue;
      if (m.mapType === MapType.ProgArray) r.slots.push([i, visit(o as Prog)]);
      else if (m.mapType === MapType.PerfEventArray) r.slots.push([i, (o as PerfEvent).cpu]);
      else r.slots.push([i, (o as Cgroup).path]);
    }
    if (m instanceof ProgArrayMap) r.owner = m.ownerProgType;
    return r;
  }
  for (const e of m.entries()) keep(m, e, r.entries);
  return r;
}

function progRecord(p: Prog, visit: (o: MapBase | Prog) => string): ProgRecord {
  const mapSlots: [number, number][] = [];
  const addrs = p.maps.map((m) => m.addr);
  p.slots.forEach((insn, i) => {
    if (insn.kind !== 'ld_imm64' || i + 1 >= p.slots.length) return;
    const v = (BigInt.asUintN(32, BigInt(p.slots[i + 1].imm)) << 32n) | BigInt.asUintN(32, BigInt(insn.imm));
    const mi = addrs.indexOf(v);
    if (mi >= 0) mapSlots.push([i, mi]);
  });
  return {
    v: V, kind: 'prog', type: p.progType, name: p.name, license: p.license, privileged: p.privileged,
    kernVersion: p.kernVersion, insns: bytesToHex(p.bytes), maps: p.maps.map((m) => visit(m)), mapSlots, tag: p.tag,
  };
}

/** Writes the current snapshot to the kernel's storage: changed records, and deletions. */
export async function saveSnapshot(k: PersistKernel): Promise<void> {
  const storage = k.storage;
  if (!storage) return;
  if (!k.storedListed) {
    for (const key of await storage.list()) if (key.startsWith(PREFIX) && !k.stored.has(key)) k.stored.set(key, '');
    k.storedListed = true;
    k.nextObjKey = Math.max(k.nextObjKey, nextKeyAfter(k.stored.keys()));
  }
  const next = snapshot(k);
  // what could not be restored stays as it was stored, until its pin is removed
  for (const u of k.unavailable.values()) for (const key of u.keys) if (!next.has(key) && k.stored.has(key)) next.set(key, k.stored.get(key)!);
  // new records first, in snapshot order (a map's chunks before its index), deletions last
  for (const [key, value] of next) {
    if (k.stored.get(key) === value) continue;
    await storage.set(key, value);
    k.stored.set(key, value);
  }
  for (const key of [...k.stored.keys()]) {
    if (next.has(key)) continue;
    await storage.delete(key);
    k.stored.delete(key);
  }
}

/** Rebuilds the pinned state a storage holds into a fresh kernel. */
export async function loadSnapshot(k: PersistKernel): Promise<void> {
  const storage = k.storage;
  if (!storage) return;
  const records = new Map<string, string>();
  for (const key of await storage.list()) {
    if (!key.startsWith(PREFIX)) continue;
    const v = await storage.get(key);
    if (v !== undefined) records.set(key, v);
  }
  const objs = new Map<string, MapBase | Prog>();
  const failed = new Map<string, string>();
  const parsed = [...records].map(([key, v]) => [key.slice(PREFIX.length), JSON.parse(v)] as [string, Record<string, unknown>]);
  const byKey = new Map(parsed);
  for (const [key, r] of parsed) if (r.kind === 'map') restoreMap(k, key, r as unknown as MapRecord, byKey, objs, failed);
  for (const [key, r] of parsed) if (r.kind === 'prog') restoreProg(k, key, r as unknown as ProgRecord, objs, failed);
  for (const [key, r] of parsed) if (r.kind === 'map') fillSlots(k, objs.get(key), r as unknown as MapRecord, objs);
  const dirs = parsed.filter(([key]) => key.startsWith('dir')).map(([key]) => key.slice(3));
  for (const d of dirs.sort((a, b) => a.length - b.length)) k.fs.mkdir(d);
  k.unavailable.clear();
  for (const [key, r] of parsed) {
    if (!key.startsWith('pin')) continue;
    const obj = objs.get(String(r.obj));
    const why = failed.get(String(r.obj));
    if (why !== undefined) {
      const kind = String(r.obj).startsWith('obj/prog/') ? 'prog' : 'map';
      k.unavailable.set(key.slice(3), { kind, reason: why, keys: [PREFIX + key, ...reach(String(r.obj), byKey).map((x) => PREFIX + x)] });
    }
    if (!obj) continue;
    const f = fileOf(obj);
    if (k.hold(f, true) === 0 && k.fs.pin(key.slice(3), f.kind, obj) !== 0) k.release(f, true);
  }
  // drop the holds restore took; objects no pin reaches go away
  for (const obj of objs.values()) k.release(fileOf(obj), false);
  k.stored = records;
  k.storedListed = true;
  k.nextObjKey = Math.max(k.nextObjKey, nextKeyAfter(records.keys()));
}

/** The object records `key` reaches: itself, a program's maps, a PROG_ARRAY's programs. */
function reach(key: string, byKey: Map<string, Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  const visit = (k: string): void => {
    const r = byKey.get(k);
    if (seen.has(k) || !r) return;
    seen.add(k);
    const slots = ((r.slots as [number, unknown][] | undefined) ?? []).map(([, w]) => w);
    const next = r.kind === 'prog' ? ((r.maps as string[]) ?? []) : [...slots, ...((r.chunks as unknown[] | undefined) ?? [])].filter((w): w is string => typeof w === 'string' && w.startsWith('obj/'));
    for (const n of next) visit(n);
  };
  visit(key);
  return [...seen];
}

/** Why MAP_CREATE refused a stored map in this kernel, in words. */
function whyNotRestored(k: PersistKernel, r: MapRecord, errno: number): string {
  if (errno === -E.ENOMEM) {
    return `${errnoName(-errno)}: the map does not fit in the kernel's ${k.memCapBytes / 2 ** 20} MiB of map memory at this CPU count (it was pinned at ${r.ncpus} CPU${r.ncpus === 1 ? '' : 's'})`;
  }
  return `${errnoName(-errno)}: MAP_CREATE refused it in this kernel`;
}

/** A stored map's entries: inline (a small map, or a record from before chunks), or from its chunk records; a string if a chunk is missing. */
function storedEntries(r: MapRecord, byKey: Map<string, Record<string, unknown>>): [string, string][] | string {
  if (!r.chunks) return r.entries;
  const out: [string, string][] = [];
  for (const name of r.chunks) {
    if (name === null) continue;
    const c = byKey.get(name);
    if (c?.kind !== 'chunk') return `a part of its stored contents is missing (${name})`;
    for (const e of (c as unknown as ChunkRecord).entries) out.push(e);
  }
  return out;
}

function restoreMap(k: PersistKernel, key: string, r: MapRecord, byKey: Map<string, Record<string, unknown>>, objs: Map<string, MapBase | Prog>, failed: Map<string, string>): void {
  const entries = storedEntries(r, byKey);
  if (typeof entries === 'string') {
    failed.set(key, entries);
    return;
  }
  const m = k.createMap({ mapType: r.type, keySize: r.keySize, valueSize: r.valueSize, maxEntries: r.maxEntries, mapFlags: r.flags, name: r.name });
  if (typeof m === 'number') {
    failed.set(key, whyNotRestored(k, r, m));
    return;
  }
  k.hold({ kind: 'map', obj: m }, false);
  objs.set(key, m);
  k.objKeys.set(m, key);
  if (m instanceof StackTraceMap) {
    for (const [, v] of entries) {
      const b = unhex(v);
      const ips: bigint[] = [];
      for (let i = 0; i + 8 <= b.length; i += 8) ips.push(leValue(b, i, 8));
      while (ips.length && ips[ips.length - 1] === 0n) ips.pop();
      m.store(ips, 1n << 10n);
    }
    return;
  }
  // newest first within a bucket: insert in reverse GET_NEXT_KEY order to keep the order
  for (let i = entries.length - 1; i >= 0; i--) m.update(unhex(entries[i][0]), perCpuValue(unhex(entries[i][1]), m), 0n);
}

/** A stored user-side value resized to this kernel's CPU count (extra CPUs read zeros). */
function perCpuValue(v: Uint8Array, m: MapBase): Uint8Array {
  if (v.length === m.userValueSize) return v;
  const out = new Uint8Array(m.userValueSize);
  out.set(v.subarray(0, Math.min(v.length, out.length)));
  return out;
}

function restoreProg(k: PersistKernel, key: string, r: ProgRecord, objs: Map<string, MapBase | Prog>, failed: Map<string, string>): void {
  const maps = r.maps.map((mk) => objs.get(mk));
  const missing = r.maps.find((mk) => failed.has(mk));
  if (missing !== undefined) failed.set(key, `a map it uses could not be restored (${failed.get(missing)})`);
  if (maps.some((m) => !m || 'bytes' in m)) return;
  const bytes = unhex(r.insns);
  const dv = new DataView(bytes.buffer);
  for (const [slot, mi] of r.mapSlots) {
    const addr = (maps[mi] as MapBase).addr;
    dv.setUint32(slot * 8 + 4, Number(addr & 0xffffffffn), true);
    dv.setUint32(slot * 8 + 12, Number(addr >> 32n), true);
  }
  const prog = k.createProg({ progType: r.type, name: r.name, bytes, maps: maps as MapBase[], license: r.license, privileged: r.privileged, kernVersion: r.kernVersion, tag: r.tag });
  k.hold({ kind: 'prog', obj: prog }, false);
  objs.set(key, prog);
  k.objKeys.set(prog, key);
}

/** Puts objects back into an fd array through temporary fds, as user space would. */
function fillSlots(k: PersistKernel, m: MapBase | Prog | undefined, r: MapRecord, objs: Map<string, MapBase | Prog>): void {
  if (!(m instanceof FdArrayMap) || !r.slots) return;
  if (m instanceof ProgArrayMap && r.owner) m.ownerProgType = r.owner;
  for (const [index, what] of r.slots) {
    let fd: number | undefined;
    if (m.mapType === MapType.ProgArray) {
      const p = objs.get(String(what));
      const opened = p && 'bytes' in p ? k.installFd({ kind: 'prog', obj: p }) : undefined;
      fd = opened?.ok ? opened.value : undefined;
    } else {
      const opened = m.mapType === MapType.PerfEventArray ? k.perfEventOpen({ cpu: Number(what) }) : k.cgroupOpen(String(what));
      fd = opened.ok ? opened.value : undefined;
    }
    if (fd === undefined) continue;
    m.update(indexKey(index), indexKey(fd), 0n);
    k.close(fd);
  }
}
