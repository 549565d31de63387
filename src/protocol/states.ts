/**
 * The verifier's states at one instruction, made from the analysis' compact table on first
 * request and kept (the same array for the same view and slot, so selectors keep their identity).
 */
import type { AnalysisView, VerifierStateView } from './program';

interface Index {
  /** visits with a state, grouped by slot: those of slot pc at order[start[pc] .. start[pc + 1]) */
  start: Int32Array;
  order: Int32Array;
  /** the first visit of each path */
  firstOfPath: Map<number, number>;
  pruned: Set<number>;
  made: (VerifierStateView[] | undefined)[];
}

const NONE: readonly VerifierStateView[] = Object.freeze([]);
const indexes = new WeakMap<AnalysisView, Index>();

function indexOf(a: AnalysisView): Index {
  let ix = indexes.get(a);
  if (ix) return ix;
  const t = a.table;
  const n = t.regList.length;
  let slots = 0;
  for (let v = 0; v < n; v++) slots = Math.max(slots, t.pcs[v] + 1);
  const start = new Int32Array(slots + 1);
  for (let v = 0; v < n; v++) start[t.pcs[v] + 1]++;
  for (let pc = 0; pc < slots; pc++) start[pc + 1] += start[pc];
  const fill = start.slice(0, slots);
  const order = new Int32Array(n);
  const firstOfPath = new Map<number, number>();
  for (let v = 0; v < n; v++) {
    order[fill[t.pcs[v]]++] = v;
    if (!firstOfPath.has(t.pathOf[v])) firstOfPath.set(t.pathOf[v], v);
  }
  ix = { start, order, firstOfPath, pruned: new Set(t.pruned), made: new Array(slots) };
  indexes.set(a, ix);
  return ix;
}

/** Every state the verifier had before slot `pc`, one per visit, in walk order (empty if never reached with a state). */
export function statesAt(a: AnalysisView | undefined, pc: number): readonly VerifierStateView[] {
  if (!a) return NONE;
  const ix = indexOf(a);
  if (!(pc >= 0 && pc < ix.made.length)) return NONE;
  const made = ix.made[pc];
  if (made) return made;
  const t = a.table;
  const out: VerifierStateView[] = [];
  for (let i = ix.start[pc]; i < ix.start[pc + 1]; i++) {
    const order = ix.order[i];
    const path = t.pathOf[order];
    const view: VerifierStateView = { regs: t.regLists[t.regList[order]], stack: t.stacks[t.stack[order]], order, path };
    const p = a.paths[path];
    if (p && p.parent >= 0 && ix.firstOfPath.get(path) === order) view.from = p.from;
    if (ix.pruned.has(order)) view.pruned = true;
    out.push(view);
  }
  ix.made[pc] = out;
  return out;
}
