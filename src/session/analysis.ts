/**
 * The verifier's analysis as the IDE overlays it: the states the verifier had before each
 * instruction (one per visit), in the log's notation, with stack slots classified.
 *
 * The view is made at every load and crosses the worker boundary, so it is compact: per visit a
 * few numbers, and each distinct register list and stack once (`StateTable`); the app makes the
 * per-visit objects of the slots it shows (`statesAt`). Made from the analysis' table, never
 * from its per-visit objects.
 */
import type { RegView, StackSlotView, VerifierAnalysis } from '../verifier';
import { errorVisit } from '../insight';
import type { AnalysisView, RegTypeView, SlotTypeView } from '../protocol';

function slotView(s: StackSlotView): SlotTypeView {
  if (s.spilled) return { off: s.off, kind: 'spill', type: s.spilled.text, bytes: s.bytes };
  return { off: s.off, kind: s.bytes.includes('m') ? 'misc' : 'invalid', bytes: s.bytes };
}

/** One object per distinct `made(from)`, keyed by `key(from)`. */
function shared<F, T>(key: (f: F) => string, made: (f: F) => T): (f: F) => T {
  const seen = new Map<string, T>();
  return (f) => {
    const k = key(f);
    let v = seen.get(k);
    if (v === undefined) seen.set(k, (v = made(f)));
    return v;
  };
}

/** The IDE's view of the verifier's analysis. */
export function analysisView(a: VerifierAnalysis): AnalysisView {
  const t = a.table;
  const regOf = shared((r: RegView) => `${r.reg} ${r.text}`, (r): RegTypeView => ({ reg: r.reg, type: r.text }));
  const slotOf = shared((s: StackSlotView) => `${s.off} ${s.bytes} ${s.spilled?.text ?? ''}`, slotView);
  // the walk records pruned visits in walk order
  const pruned = [...t.prunedBy.keys()];
  const table = {
    pcs: Int32Array.from(t.pcs),
    pathOf: Int32Array.from(t.pathOf),
    regList: Int32Array.from(t.regList),
    stack: Int32Array.from(t.stack),
    regLists: t.regLists.map((list) => list.map(regOf)),
    stacks: t.stacks.map((slots) => slots.map(slotOf)),
    pruned: Int32Array.from(pruned),
  };
  const paths = a.paths.map((p) => ({ id: p.id, parent: p.parent, from: p.from, to: p.to, end: p.end }));
  const view: AnalysisView = { table, processed: a.processed, paths };
  if (a.error?.pc !== null && a.error?.pc !== undefined) view.errorPc = a.error.pc;
  const ev = errorVisit(a);
  if (ev !== undefined) view.errorVisit = ev;
  return view;
}
