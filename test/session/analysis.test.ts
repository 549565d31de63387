/**
 * The IDE's view of the verifier's analysis (src/session/analysis.ts, read through the
 * protocol's `statesAt`) says what the analysis' visits say: for every instruction, one state per
 * visit in walk order with its registers, stack slots, path, `from` and `pruned`. It is made from
 * the analysis' compact table, so it is checked against the per-visit objects here: on the 4.8
 * suite, on a program with many paths, with the state limit cutting the walk short, and after
 * a structured clone (the worker boundary).
 */
import { describe, expect, test } from 'vitest';
import { ProgType } from '../../src/isa';
import { statesAt, type AnalysisView, type VerifierStateView } from '../../src/protocol';
import { analysisView } from '../../src/session/analysis';
import { verify, type VerifierAnalysis } from '../../src/verifier';
import * as B from '../verifier/build';
import { loadSuite, request, suiteRequest } from '../verifier/support';

/** The states of slot pc from the analysis' visits, as the IDE shows them. */
function expected(a: VerifierAnalysis, pc: number): VerifierStateView[] {
  const out: VerifierStateView[] = [];
  a.visits.forEach((v, order) => {
    if (v.pc !== pc || !v.state) return;
    const p = a.paths[v.path];
    const view: VerifierStateView = {
      regs: v.state.regs.map((r) => ({ reg: r.reg, type: r.text })),
      stack: v.state.stack.map((s) =>
        s.spilled ? { off: s.off, kind: 'spill', type: s.spilled.text, bytes: s.bytes } : { off: s.off, kind: s.bytes.includes('m') ? 'misc' : 'invalid', bytes: s.bytes },
      ),
      order,
      path: v.path,
    };
    if (p.firstVisit === order && p.parent >= 0) view.from = p.from;
    if (v.prunedBy !== undefined) view.pruned = true;
    out.push(view);
  });
  return out;
}

function check(a: VerifierAnalysis, view: AnalysisView): number {
  let states = 0;
  for (let pc = 0; pc < a.insnCount; pc++) {
    const got = statesAt(view, pc);
    expect(got, `pc ${pc}`).toEqual(expected(a, pc));
    expect(statesAt(view, pc)).toBe(got);
    states += got.length;
  }
  expect([...view.table.pcs]).toEqual(a.visits.map((v) => v.pc));
  expect([...view.table.pruned]).toEqual(a.visits.flatMap((v, i) => (v.prunedBy !== undefined ? [i] : [])));
  return states;
}

/**
 * Branches on an unknown whose taken side makes a store or a spill that the fall-through side
 * (explored first) skips: many paths, each taken side pruned by the state remembered before it.
 */
const manyPaths = B.prog(
  B.ldx(4, 6, 1, 0),
  ...Array.from({ length: 6 }, (_, i) => [...B.jmpImm(0x20, 6, i, 1), ...B.ja(1), ...(i % 2 ? B.stx(8, 10, 1, -8 * (i + 1)) : B.st(4, 10, -8 * (i + 1), i))]),
  B.mov64Imm(0, 0),
  B.exit(),
);

describe('the IDE sees every visit the analysis has', () => {
  test('the 4.8 suite, privileged and not', () => {
    for (const t of loadSuite()) {
      for (const priv of [true, false]) {
        const a = verify(suiteRequest(t, priv)).analysis!;
        check(a, analysisView(a));
      }
    }
  });

  test('a program with many paths, pruned visits and spills', () => {
    const a = verify(request(manyPaths)).analysis!;
    expect(a.visits.some((v) => v.prunedBy !== undefined)).toBe(true);
    expect(a.visits.some((v) => v.state?.stack.some((s) => s.spilled))).toBe(true);
    expect(check(a, analysisView(a))).toBe(a.processed);
  });

  test('past the state limit visits have no state, and the view lists only those before it', () => {
    const a = verify(request(manyPaths), { stateLimit: 40 }).analysis!;
    expect(a.processed).toBeGreaterThan(40);
    expect(check(a, analysisView(a))).toBe(40);
  });

  test('across the worker boundary (structured clone) the view says the same', () => {
    const a = verify(request(manyPaths, { progType: ProgType.SchedCls })).analysis!;
    const view = analysisView(a);
    const copy = structuredClone(view);
    for (let pc = 0; pc < a.insnCount; pc++) expect(statesAt(copy, pc)).toEqual(statesAt(view, pc));
    // equal pieces stay one object after the copy: the view's size is its distinct states
    const lists = new Set(Array.from({ length: a.insnCount }, (_, pc) => statesAt(copy, pc).map((s) => s.regs)).flat());
    expect(lists.size).toBe(new Set([...copy.table.regList]).size);
  });

  test('the analysis itself stays plain data: its visits survive a structured clone', () => {
    const a = verify(request(manyPaths)).analysis!;
    const copy = structuredClone(a);
    expect(copy.visits).toEqual(a.visits);
    expect(copy.visitsByPc).toEqual(a.visitsByPc);
  });
});
