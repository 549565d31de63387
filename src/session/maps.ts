/**
 * The maps as the inspectors see them: every live map of the kernel with its pins, pages of
 * entries (fd arrays show every slot and what is in it; stack traces their frames with symbols;
 * perf event arrays the records written), and edits through bpf(2) as user space makes them.
 */
import { Cmd, FD_ARRAY_MAP_TYPES, MAP_TYPE_NAMES, MapType, PERCPU_MAP_TYPES, errnoName, isArrayMapType } from '../isa';
import type { Kernel } from '../kernel/kernel';
import { symbolize } from '../kernel/world';
import type { BpfMap } from '../kernel/types';
import type { MapEditResult, MapEntryView, MapInfo, MapPage, UnavailablePinView } from '../protocol';
import { le32 } from './setup';


function count(m: BpfMap): number {
  if (isArrayMapType(m.mapType)) return m.maxEntries;
  let n = 0;
  for (const _ of m.entries()) n++;
  return n;
}

/** Every live map, by id. */
export function listMaps(k: Kernel): MapInfo[] {
  return k.objects().maps.map(({ map: m, pins }) => ({
    id: m.id,
    name: m.name,
    type: m.mapType,
    typeName: MAP_TYPE_NAMES[m.mapType] ?? String(m.mapType),
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    flags: m.mapFlags,
    userValueSize: m.userValueSize,
    ncpus: PERCPU_MAP_TYPES.has(m.mapType) ? k.world.ncpus : 1,
    count: count(m),
    pins,
  }));
}

/** Pins stored but not restored in this kernel, by path. */
export function listUnavailable(k: Kernel): UnavailablePinView[] {
  return [...k.unavailable].map(([path, u]) => ({ path, kind: u.kind, reason: u.reason })).sort((a, b) => (a.path < b.path ? -1 : 1));
}

function fdSlot(k: Kernel, m: BpfMap, i: number): MapEntryView {
  const key = le32(i);
  if (m.mapType === MapType.ProgArray) {
    const p = k.progArrayGet(m, i);
    return p ? { key, value: le32(p.id), prog: { id: p.id, name: p.name } } : { key, value: null };
  }
  if (m.mapType === MapType.PerfEventArray) {
    const e = k.perfEventGet(m, i);
    if (!e) return { key, value: null };
    const records = e.ring.peek().flatMap((r) => (r.kind === 'sample' ? [{ cpu: r.cpu, data: r.data.slice() }] : []));
    return { key, value: le32(e.fd), records, lost: e.ring.lost };
  }
  const c = k.cgroupGet(m, i);
  return c ? { key, value: new TextEncoder().encode(c.path) } : { key, value: null };
}

function stackEntry(key: Uint8Array, value: Uint8Array): MapEntryView {
  const frames = [];
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  for (let off = 0; off + 8 <= value.length; off += 8) {
    const ip = dv.getBigUint64(off, true);
    if (ip === 0n) break;
    frames.push({ ip, symbol: symbolize(ip) });
  }
  return { key: key.slice(), value: value.slice(), frames };
}

/**
 * The slot indexes of a page of a prog_array, filled slots first (ascending), then the empty
 * ones: a tail-call table is read for what it holds, however many slots it has.
 */
function progArrayOrder(k: Kernel, m: BpfMap, off: number, lim: number): number[] {
  const filled: number[] = [];
  for (let i = 0; i < m.maxEntries; i++) if (k.progArrayGet(m, i)) filled.push(i);
  const out = filled.slice(off, off + lim);
  let skip = Math.max(0, off - filled.length);
  const taken = new Set(filled);
  for (let i = 0; i < m.maxEntries && out.length < lim; i++) {
    if (taken.has(i)) continue;
    if (skip > 0) skip--;
    else out.push(i);
  }
  return out;
}

/** A page of entries in GET_NEXT_KEY order (fd arrays: every slot; prog_arrays their filled slots first). */
export function mapPage(k: Kernel, id: number, offset: number, limit: number): MapPage | string {
  const m = k.mapById(id);
  if (!m) return `no map with id ${id}`;
  const off = Math.max(0, Math.floor(offset));
  const lim = Math.max(0, Math.min(Math.floor(limit), 10_000));
  if (FD_ARRAY_MAP_TYPES.has(m.mapType)) {
    const entries: MapEntryView[] = [];
    if (m.mapType === MapType.ProgArray) for (const i of progArrayOrder(k, m, off, lim)) entries.push(fdSlot(k, m, i));
    else for (let i = off; i < Math.min(m.maxEntries, off + lim); i++) entries.push(fdSlot(k, m, i));
    return { mapId: id, total: m.maxEntries, offset: off, entries };
  }
  // arrays index directly and hash maps page from a cursor: O(page), not O(map)
  const page = m.page(off, lim);
  const entries: MapEntryView[] = page.entries.map((e) => (m.mapType === MapType.StackTrace ? stackEntry(e.key, e.value) : { key: e.key.slice(), value: e.value.slice() }));
  return { mapId: id, total: page.total, offset: off, entries };
}

/** MAP_UPDATE_ELEM or MAP_DELETE_ELEM through a fd opened on the map, as bpftool does. */
export function mapEdit(k: Kernel, id: number, key: Uint8Array, value: Uint8Array | null, flags = 0): MapEditResult {
  const fd = k.openById('map', id);
  if (!fd.ok) return { errno: fd.errno, errnoName: errnoName(fd.errno) };
  try {
    const r = value ? k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd.value, key, value, flags }) : k.bpf(Cmd.MAP_DELETE_ELEM, { mapFd: fd.value, key });
    const errno = r.ok ? 0 : r.errno;
    return { errno, errnoName: errno ? errnoName(errno) : '', map: listMaps(k).find((x) => x.id === id) };
  } finally {
    k.close(fd.value);
  }
}
