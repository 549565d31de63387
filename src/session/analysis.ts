/**
 * The verifier's analysis as the IDE overlays it: for every instruction, the states the verifier
 * had before it (one per visit), in the log's notation, with stack slots classified.
 */
import type { VerifierAnalysis } from '../verifier';
import { errorVisit } from '../insight';
import type { AnalysisView, SlotTypeView, VerifierStateView } from '../protocol';

type Slot = VerifierAnalysis['visits'][number] extends { state: infer S } ? NonNullable<S> extends { stack: (infer T)[] } ? T : never : never;

function slotView(s: Slot): SlotTypeView {
  if (s.spilled) return { off: s.off, kind: 'spill', type: s.spilled.text, bytes: s.bytes };
  return { off: s.off, kind: s.bytes.includes('m') ? 'misc' : 'invalid', bytes: s.bytes };
}

/** Per-pc states from the verifier's visits (visits past its state limit carry none). */
export function analysisView(a: VerifierAnalysis): AnalysisView {
  const states: VerifierStateView[][] = Array.from({ length: a.insnCount }, () => []);
  a.visits.forEach((v, order) => {
    if (!v.state || v.pc < 0 || v.pc >= states.length) return;
    const path = a.paths[v.path];
    const view: VerifierStateView = {
      regs: v.state.regs.map((r) => ({ reg: r.reg, type: r.text })),
      stack: v.state.stack.map(slotView),
      order,
      path: v.path,
    };
    if (path && path.firstVisit === order && path.parent >= 0) view.from = path.from;
    if (v.prunedBy !== undefined) view.pruned = true;
    states[v.pc].push(view);
  });
  const paths = a.paths.map((p) => ({ id: p.id, parent: p.parent, from: p.from, to: p.to, end: p.end }));
  const visitPcs = a.visits.map((v) => v.pc);
  const prunedVisits: number[] = [];
  a.visits.forEach((v, i) => v.prunedBy !== undefined && prunedVisits.push(i));
  const view: AnalysisView = { states, processed: a.processed, paths, visitPcs, prunedVisits };
  if (a.error?.pc !== null && a.error?.pc !== undefined) view.errorPc = a.error.pc;
  const ev = errorVisit(a);
  if (ev !== undefined) view.errorVisit = ev;
  return view;
}
