/**
 * The verifier's walk as concrete paths: the visits that led to a visit, from instruction 0.
 * A path's own visits are contiguous in the analysis (a path runs until it exits, is pruned or
 * fails, before the walk pops the next branch), and a path pushed by the jump at visit b starts
 * where its parent stood at b; so the trail to a visit is its parent's trail to b followed by
 * the path's visits up to it.
 */
import type { VerifierAnalysis } from '../verifier';

/** The visits from the start of the program to `visit` (included), in the order they ran. */
export function trailOf(a: VerifierAnalysis, visit: number): number[] {
  const parts: [number, number][] = [];
  let v = visit;
  while (v >= 0) {
    const p = a.paths[a.table.pathOf[v]];
    const first = p.firstVisit >= 0 ? p.firstVisit : v;
    parts.push([first, v]);
    v = p.parent >= 0 ? p.branchVisit : -1;
  }
  const out: number[] = [];
  for (let i = parts.length - 1; i >= 0; i--) for (let x = parts[i][0]; x <= parts[i][1]; x++) out.push(x);
  return out;
}

/** The visit where the verifier stopped with its error, if the walk failed at an instruction. */
export function errorVisit(a: VerifierAnalysis): number | undefined {
  const { pcs, pathOf } = a.table;
  if (a.ok || a.stage !== 'walk' || !a.error || a.error.pc === null || !pcs.length) return undefined;
  const last = pcs.length - 1;
  return pcs[last] === a.error.pc && a.paths[pathOf[last]]?.end === 'error' ? last : undefined;
}
