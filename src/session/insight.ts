/**
 * The session's questions about the loaded program beyond its verdict: where a value came from
 * on one of the verifier's paths, and the exploration graph. Both read the verifier's analysis
 * of the last load, which the session keeps with the program.
 */
import { kernelInsnText } from '../asm';
import { decodeSlots } from '../isa';
import { exploration, plainText, provenance, searchRun } from '../insight';
import { Cmd, errnoName, hexToBytes } from '../isa';
import type { Kernel } from '../kernel/kernel';
import type { LoadedProg } from '../kernel/types';
import { SAMPLE_PACKETS } from '../lessons';
import type { RunSearchRequest, RunSearchResult } from '../protocol';
import { withMapFds } from './setup';
import type { Program } from '../program';
import { done, fail, type ExplorationView, type Outcome, type Place, type ProvenanceRequest, type ProvenanceView } from '../protocol';
import type { Loaded } from './load';

const noAnalysis = <T>(): Outcome<T> => fail('no_program', 'no verifier analysis: Load the program first (with the verifier on)');

function validPlace(p: Place | undefined): boolean {
  if (!p || typeof p !== 'object') return false;
  if ('reg' in p) return Number.isInteger(p.reg) && p.reg >= 0 && p.reg <= 10;
  if ('stack' in p) return Number.isInteger(p.stack) && p.stack >= -512 && p.stack < 0;
  return false;
}

/** The log's text of each instruction, map loads naming their map (`r1 = map[counts]`); `plain` drops the opcode. */
function textsOf(p: Program, plain: boolean): (pc: number) => string {
  const slots = decodeSlots(p.bytes);
  const maps = new Map(p.mapRefs.map((r) => [r.pc, r.map]));
  return (pc) => {
    const t = plain ? plainText(slots[pc]) : kernelInsnText(slots[pc]);
    const m = maps.get(pc);
    return m === undefined ? t : t.replace(/=.*$/, `= map[${m}]`);
  };
}

/** Where the value of `req.place` before visit `req.visit` came from. */
export function provenanceOf(loaded: Loaded | null, req: ProvenanceRequest): Outcome<ProvenanceView> {
  const a = loaded?.analysis;
  if (!loaded || !a) return noAnalysis();
  if (!Number.isInteger(req?.visit) || req.visit < 0 || req.visit >= a.visits.length) return fail('bad_request', `no visit ${req?.visit}: the walk made ${a.visits.length}`);
  if (!validPlace(req.place)) return fail('bad_request', 'the place must be { reg: 0..10 } or { stack: -512..-1 }');
  return done(provenance(a, decodeSlots(loaded.program.bytes), req.visit, req.place, textsOf(loaded.program, true)));
}

/** The control-flow graph with the verifier's walk over it. */
export function explorationOf(loaded: Loaded | null): Outcome<ExplorationView> {
  const a = loaded?.analysis;
  if (!loaded || !a) return noAnalysis();
  return done(exploration(a, loaded.program.bytes, textsOf(loaded.program, false)));
}

/** The longest search the IDE may ask for, and the default. */
const MAX_SEARCH_MS = 30_000;
const DEFAULT_SEARCH_MS = 5_000;

/** Searches an input that drives the last load's refused path to its refused instruction. */
export function searchOf(loaded: Loaded | null, progType: number, req: RunSearchRequest, seed: number): Outcome<RunSearchResult> {
  const a = loaded?.analysis;
  if (!loaded || !a) return noAnalysis();
  const timeMs = req?.timeMs ?? DEFAULT_SEARCH_MS;
  if (!Number.isFinite(timeMs) || timeMs <= 0 || timeMs > MAX_SEARCH_MS) return fail('bad_request', `timeMs must be 1..${MAX_SEARCH_MS}`);
  if (req.packet !== undefined && !(req.packet instanceof Uint8Array)) return fail('bad_request', 'packet must be bytes');
  const packet = req.packet?.length ? req.packet : hexToBytes(SAMPLE_PACKETS[0].hex)!;
  return done(searchRun(loaded.program, a, progType, { timeMs, packet, seed }));
}

/**
 * Loads the last load's program again without the verifier (as `verify: false` does), into the
 * same maps, and puts the found map contents in them; the program, or why it could not.
 */
export function loadUnverified(k: Kernel, loaded: Loaded, progType: number, found: RunSearchResult): LoadedProg | string {
  for (const m of found.input?.maps ?? []) {
    const fd = loaded.mapsByName.get(m.name);
    if (fd === undefined) return `the program has no map ${m.name}`;
    for (const key of m.deleted) k.bpf(Cmd.MAP_DELETE_ELEM, { mapFd: fd, key });
    for (const e of m.entries) {
      const r = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd, key: e.key, value: e.value, flags: 0 });
      if (!r.ok) return `map ${m.name}: BPF_MAP_UPDATE_ELEM gave ${errnoName(r.errno)}`;
    }
  }
  const saved = k.verifier;
  k.verifier = undefined;
  try {
    const p = loaded.program;
    const r = k.bpf(Cmd.PROG_LOAD, { progType, insns: withMapFds(p, loaded.mapsByName), license: p.directives.license ?? 'GPL', logLevel: 0, logSize: 0, logBuf: null, kernVersion: p.directives.kernVersion ?? 0x040800, name: p.directives.name ?? '' });
    if (!r.ok) return `the kernel refused to load it without the verifier: ${errnoName(r.errno)}`;
    if (loaded.progFd !== null) k.close(loaded.progFd);
    loaded.progFd = r.value;
    return k.progOfFd(r.value)!;
  } finally {
    k.verifier = saved;
  }
}
