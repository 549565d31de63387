/**
 * The session's questions about the loaded program beyond its verdict: where a value came from
 * on one of the verifier's paths, and the exploration graph. Both read the verifier's analysis
 * of the last load, which the session keeps with the program.
 */
import { kernelInsnText } from '../asm';
import { decodeSlots } from '../isa';
import { exploration, plainText, provenance } from '../insight';
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
