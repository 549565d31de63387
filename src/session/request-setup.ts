/**
 * The kernel side of a `run --json` request, done the way kernel-oracle does it on the host:
 * assemble `source`, create the maps and their entries, load `progs` (tail-call targets), put
 * their fds into `value_prog` entries, patch `map_fixups`, and dump every map afterwards. A step
 * that fails here is the request's fault (the oracle's request_error), not the program's.
 */
import { assemble } from '../asm';
import { bytesToHex, Cmd, errnoName, ProgType } from '../isa';
import type { Kernel } from '../kernel/kernel';
import type { SysResult } from '../kernel/sys';
import type { MapSpec, ProgSpec, Request } from './request-schema';
import { createMap, fitValue, le32, loadProg, openSlotObject, setMapFd } from './setup';

/** A problem with the request itself (answered as request_error). */
export class RequestError extends Error {}


/** The maps a request made, by name, in creation order. */
export type MapTable = Map<string, { fd: number; spec: MapSpec }>;

/** A program ready for PROG_LOAD once its fixups are applied. */
export interface ReadyProg {
  /** where the program is in the request, for request_error */
  where?: string;
  /** how many of `fixups` are the source's own map loads (the request's `map_fixups` follow) */
  sourceFixups?: number;
  name: string;
  bytes: Uint8Array;
  fixups: ProgSpec['fixups'];
  progType?: number;
  license?: string;
  kernVersion?: number;
}

/** Assembles `source` if given; the program's own `.map` declarations join the request's maps. */
export function programOf(p: ProgSpec, what: string, declared: MapSpec[]): ReadyProg {
  if (p.insns) return { where: p.where, name: p.name ?? '', bytes: p.insns.slice(), fixups: p.fixups, license: p.license, kernVersion: p.kernVersion };
  const r = assemble(p.source ?? '', { syntax: p.syntax ?? 'auto' });
  if (!r.ok) {
    const msgs = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${what}:${d.line}:${d.col}: ${d.message}`);
    throw new RequestError(`${what} does not assemble:\n${msgs.join('\n')}`);
  }
  const prog = r.program;
  for (const m of prog.maps) {
    const where = `${what}: .map ${m.name} (line ${m.pos?.line ?? '?'})`;
    declared.push({ where, name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, entries: (m.entries ?? []).map((e) => ({ ...e, flags: 0, where })) });
  }
  const d = prog.directives;
  return {
    where: p.where,
    name: p.name ?? d.name ?? '',
    bytes: prog.bytes.slice(),
    fixups: [...prog.mapRefs.map((ref) => ({ insn: ref.pc, map: ref.map })), ...p.fixups],
    sourceFixups: prog.mapRefs.length,
    progType: d.progType,
    license: p.license ?? d.license,
    kernVersion: p.kernVersion ?? d.kernVersion,
  };
}

/** ld_imm64 at `insn` gets the map's fd and src_reg BPF_PSEUDO_MAP_FD, as the oracle patches it. */
export function applyFixups(p: Pick<ReadyProg, 'bytes' | 'fixups' | 'where' | 'sourceFixups'>, maps: MapTable): void {
  const bytes = p.bytes;
  p.fixups.forEach((f, i) => {
    const own = i < (p.sourceFixups ?? 0);
    const where = own ? `${p.where ? `${p.where}.` : ''}source: map[${f.map}] at instruction ${f.insn}` : `${p.where ? `${p.where}.` : ''}map_fixups[${i - (p.sourceFixups ?? 0)}]`;
    const m = maps.get(f.map);
    if (!m) throw new RequestError(`${where}${own ? '' : '.map'}: a map fixup names unknown map ${JSON.stringify(f.map)}`);
    if ((f.insn + 1) * 8 > bytes.length || bytes[f.insn * 8] !== 0x18) throw new RequestError(`${where}${own ? '' : '.insn'}: instruction ${f.insn} is not a ld_imm64 (map fixup)`);
    setMapFd(bytes, f.insn, m.fd);
  });
}

/** MAP_CREATE and MAP_UPDATE_ELEM for each map and its entries (program values come later). */
/** Says (by throwing a RequestError) when the request's time limit is reached; `doing` names the step. */
type Tick = (doing: string) => void;

export function createMaps(k: Kernel, specs: MapSpec[], tick: Tick = () => {}): MapTable {
  const maps: MapTable = new Map();
  let n = 0;
  for (const spec of specs) {
    tick('creating the maps');
    const where = spec.where ?? `map ${spec.name}`;
    if (maps.has(spec.name)) throw new RequestError(`${where}: two maps are named ${JSON.stringify(spec.name)}`);
    const r = createMap(k, spec);
    if (!r.ok) throw new RequestError(`${where}: map ${spec.name}: MAP_CREATE failed: ${errnoName(r.errno)}`);
    maps.set(spec.name, { fd: r.value, spec });
    for (const e of spec.entries) {
      if ((++n & 1023) === 0) tick('filling the maps');
      if (e.value instanceof Uint8Array) updateEntry(k, e.where ?? where, spec.name, r.value, e.key, fitValue(k, r.value, e.value), e.flags);
    }
  }
  return maps;
}

function updateEntry(k: Kernel, where: string, name: string, mapFd: number, key: Uint8Array, value: Uint8Array, flags: number): void {
  const r = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd, key, value, flags });
  if (!r.ok) throw new RequestError(`${where}: map ${name}: update failed: ${errnoName(r.errno)}`);
}

/** Request maps that only name a map the source declares add their entries to its declaration. */
export function mergeMaps(req: MapSpec[], declared: MapSpec[]): MapSpec[] {
  const out = declared.map((d) => ({ ...d, entries: [...d.entries] }));
  const full: MapSpec[] = [];
  for (const m of req) {
    if (!m.ref) {
      full.push(m);
      continue;
    }
    const d = out.find((x) => x.name === m.name);
    if (!d) throw new RequestError(`${m.where ?? 'maps'}: map ${JSON.stringify(m.name)} has no type or sizes, and the source declares no map of that name`);
    d.entries.push(...m.entries);
  }
  return [...full, ...out];
}

/** PERF_EVENT_ARRAY and CGROUP_ARRAY slots: a perf event opened on a CPU, a cgroup opened by path. */
export function fillSlots(k: Kernel, maps: MapTable): void {
  for (const [name, { fd, spec }] of maps) {
    for (const e of spec.entries) {
      if (e.value instanceof Uint8Array || 'prog' in e.value) continue;
      const where = `${e.where ?? spec.where ?? `map ${name}`}.${'perfCpu' in e.value ? 'value_perf_cpu' : 'value_cgroup'}`;
      const opened = openSlotObject(k, e.value);
      if (typeof opened === 'string') throw new RequestError(`${where}: map ${name}: ${opened}`);
      updateEntry(k, e.where ?? where, name, fd, e.key, le32(opened), e.flags);
      k.close(opened);
    }
  }
}

/** Loads the request's extra programs (same type as the main one) and fills `value_prog` entries. */
export function loadProgs(k: Kernel, progType: number, maps: MapTable, ready: Map<string, ReadyProg>, tick: Tick = () => {}): void {
  const fds = new Map<string, number>();
  for (const [name, p] of ready) {
    tick('loading the programs of progs');
    applyFixups(p, maps);
    const r = loadProg(k, progType, name, p.bytes, p.license, p.kernVersion);
    if (!r.ok) throw new RequestError(`${p.where ?? 'progs'}: program ${name}: PROG_LOAD failed: ${errnoName(r.errno)}\n${r.log}`);
    fds.set(name, r.value);
  }
  for (const [name, { fd, spec }] of maps) {
    for (const e of spec.entries) {
      if (!('prog' in e.value)) continue;
      const pfd = fds.get(e.value.prog);
      const where = e.where ?? spec.where ?? `map ${name}`;
      if (pfd === undefined) throw new RequestError(`${where}.value_prog: map ${name}: unknown program ${JSON.stringify(e.value.prog)}`);
      updateEntry(k, where, name, fd, e.key, le32(pfd), e.flags);
    }
  }
}

export interface DumpedEntry {
  key: string;
  value: string | null;
  error: string | null;
}

/** Every entry of a map in GET_NEXT_KEY order, as kernel-oracle dumps it (at most 4096). */
export function dumpMap(k: Kernel, fd: number): DumpedEntry[] {
  const map = k.mapOfFd(fd)!;
  const out: DumpedEntry[] = [];
  let key: Uint8Array | null = null;
  for (let i = 0; i < 4096; i++) {
    const next: SysResult<Uint8Array> = k.bpf(Cmd.MAP_GET_NEXT_KEY, { mapFd: fd, key });
    if (!next.ok) break;
    const cur: Uint8Array = next.value;
    key = cur;
    const v = k.bpf(Cmd.MAP_LOOKUP_ELEM, { mapFd: fd, key: cur });
    out.push({ key: bytesToHex(cur), value: v.ok ? bytesToHex(v.value.subarray(0, map.userValueSize)) : null, error: v.ok ? null : errnoName(v.errno) });
  }
  return out;
}

/** The program type of a request: the field, else the source's `.type`, else a socket filter. */
export const progTypeOf = (req: Request, main: { progType?: number }): number => req.progType ?? main.progType ?? ProgType.SocketFilter;
