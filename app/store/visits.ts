/**
 * The verifier's visits as the panels look them up: by their position in the walk, and the one
 * the registers and stack panels show when no run is on (the visit picked, else the first visit
 * of the instruction under the editor's cursor). Results are memoized so that selectors built on
 * them keep their identity between store changes.
 */
import { statesAt, type AnalysisView, type VerifierStateView } from './deps';
import type { State } from './state';

interface VisitAt {
  pc: number;
  view: VerifierStateView;
}

const indexes = new WeakMap<AnalysisView, Map<number, VisitAt>>();

/** Every visit with a state, by its position in the walk. */
export function visitIndex(a: AnalysisView | undefined): Map<number, VisitAt> {
  if (!a) return new Map();
  let m = indexes.get(a);
  if (!m) {
    m = new Map();
    // each slot's states once (made on request by statesAt), in walk order
    const t = a.table;
    const done = new Set<number>();
    for (let v = 0; v < t.regList.length; v++) {
      const pc = t.pcs[v];
      if (done.has(pc)) continue;
      done.add(pc);
      for (const view of statesAt(a, pc)) m.set(view.order, { pc, view });
    }
    indexes.set(a, m);
  }
  return m;
}

/** The verifier's state the panels show: a visit, its instruction, and the other visits there (the path picker's choices). */
export interface Inspected {
  visit: number;
  pc: number;
  view: VerifierStateView;
  /** every visit of that instruction that has a state, in walk order */
  choices: readonly VerifierStateView[];
}

/** The instruction slots an editor line assembled to, in order (none for no line or no program). */
export function pcsOfLine(lines: readonly (number | null)[] | undefined, line: number | null): number[] {
  if (!lines || line === null) return [];
  const out: number[] = [];
  lines.forEach((l, pc) => l === line && out.push(pc));
  return out;
}

function inspect(s: State): Inspected | null {
  const a = s.load?.analysis;
  if (s.snap || !a) return null;
  const idx = visitIndex(a);
  const pcs = pcsOfLine(s.load?.program?.lines, s.cursorLine);
  if (s.inspect !== null) {
    const at = idx.get(s.inspect);
    if (at && (s.cursorLine === null || pcs.includes(at.pc))) return { visit: s.inspect, pc: at.pc, view: at.view, choices: statesAt(a, at.pc) };
  }
  for (const pc of pcs) {
    const views = statesAt(a, pc);
    if (views?.length) return { visit: views[0].order, pc, view: views[0], choices: views };
  }
  return null;
}

let last: { key: unknown[]; value: Inspected | null } | null = null;

/** The state shown in the panels without a run (null during a run, or with nothing to show). */
export function selectInspected(s: State): Inspected | null {
  const key = [s.load, s.snap, s.inspect, s.cursorLine];
  if (last && key.every((k, i) => k === last!.key[i])) return last.value;
  last = { key, value: inspect(s) };
  return last.value;
}
