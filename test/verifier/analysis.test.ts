/**
 * The structured analysis agrees with the log it explains: one visit per processed insn, the
 * state of each path's first visit is the log's `from P to I:` state, every `safe` line is a
 * pruned visit whose covering state was remembered at the same pc, and the error pc is the
 * instruction printed last. Plus the shape for one program in detail.
 */
import { describe, expect, test } from 'vitest';
import { verify, type VerifierAnalysis } from '../../src/verifier';
import * as B from './build';
import { loadSuite, request, suiteRequest } from './support';

const suite = loadSuite();

function check(a: VerifierAnalysis, log: string): void {
  const lines = log.split('\n');
  if (a.stage !== 'walk') {
    expect(a.visits).toEqual([]);
    return;
  }
  expect(a.visits.length).toBe(a.processed);
  const m = /^processed (\d+) insns$/.exec(lines[lines.length - 2]);
  if (m) expect(a.processed).toBe(Number(m[1]));
  // paths: the first visit of each explored path after the first one follows a "from" line
  const from = lines.filter((l) => l.startsWith('from '));
  const explored = a.paths.filter((p) => p.firstVisit >= 0);
  expect(explored.length).toBe(from.length + 1);
  const popped = explored.filter((p) => p.id !== 0).sort((x, y) => x.firstVisit - y.firstVisit);
  popped.forEach((p, i) => {
    const line = from[i];
    expect(line.startsWith(`from ${p.from} to ${p.to}:`)).toBe(true);
    const v = a.visits[p.firstVisit];
    expect(v.pc).toBe(p.to);
    expect(v.path).toBe(p.id);
    if (line.endsWith(': safe')) expect(v.prunedBy).toBeDefined();
    else expect(line).toBe(`from ${p.from} to ${p.to}: ${v.state!.text}`);
  });
  // pruned visits: as many as "safe" lines, covered by a remembered visit of the same pc
  const pruned = a.visits.filter((v) => v.prunedBy !== undefined);
  expect(pruned.length).toBe(lines.filter((l) => l.endsWith(' safe')).length);
  for (const v of pruned) {
    const by = a.visits[v.prunedBy!];
    expect(by.pc).toBe(v.pc);
    expect(by.remembered).toBe(true);
    expect(a.pruningPoints).toContain(v.pc);
    expect(a.paths[v.path].end).toBe('pruned');
  }
  a.visitsByPc.forEach((vs, pc) => vs.forEach((v) => expect(a.visits[v].pc).toBe(pc)));
  if (!a.ok && a.error) {
    const insnLines = lines.filter((l) => /^\d+: \(/.test(l));
    expect(a.error.pc).toBe(Number(insnLines[insnLines.length - 1].split(':')[0]));
    expect(lines[lines.length - 2]).toBe(a.error.message);
    expect(a.paths[a.visits[a.visits.length - 1].path].end).toBe('error');
  }
}

describe.each([
  ['priv', true],
  ['unpriv', false],
] as const)('the analysis explains the log, %s', (mode, privileged) => {
  test.each(suite.map((t) => [t.index, t.name, t] as const))('%i %s', (_i, _n, t) => {
    const v = verify(suiteRequest(t, privileged));
    if (t.v4_8_reproduced[mode].errno === 'EPERM') {
      expect(v.analysis!.stage).toBe('syscall');
      return;
    }
    check(v.analysis!, v.log);
  });
});

describe('one program in detail', () => {
  // 0: r2 = r10; 1: r2 += -8; 2: r0 = 0; 3: if r2 != 0x0 goto pc+1; 4: r0 = *(u32 *)(r1 +0); 5: exit
  // the taken path reaches 5 with R0=imm0, covered by the remembered R0=inv: pruned
  const bytes = B.prog(B.mov64Reg(2, 10), B.alu64Imm(B.AluOp.ADD, 2, -8), B.mov64Imm(0, 0), B.jmpImm(B.JmpOp.JNE, 2, 0, 1), B.ldx(4, 0, 1, 0), B.exit());
  const a = verify(request(bytes)).analysis!;

  test('visits in exploration order with their paths', () => {
    expect(a.visits.map((v) => [v.pc, v.path])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [5, 1],
    ]);
    expect(a.paths).toEqual([
      { id: 0, parent: -1, from: 0, to: 0, branchVisit: -1, firstVisit: 0, end: 'exit' },
      { id: 1, parent: 0, from: 3, to: 5, branchVisit: 3, firstVisit: 6, end: 'pruned' },
    ]);
    expect(a.pruningPoints).toEqual([5]);
    expect(a.visits[5].remembered).toBe(true);
    expect(a.visits[6].prunedBy).toBe(5);
  });

  test('states in the log notation and as fields', () => {
    const s = a.visits[2].state!;
    expect(s.text).toBe('R1=ctx R2=fp-8 R10=fp');
    expect(s.regs.find((r) => r.reg === 2)).toEqual({ reg: 2, type: 'PTR_TO_STACK', text: 'fp-8', value: '-8' });
    expect(a.visits[4].state!.regs.find((r) => r.reg === 0)).toEqual({ reg: 0, type: 'CONST_IMM', text: 'imm0', value: '0' });
    expect(a.visits[5].state!.regs.find((r) => r.reg === 0)).toEqual({ reg: 0, type: 'UNKNOWN_VALUE', text: 'inv', knownZeroBits: 0 });
  });

  test('stack slots', () => {
    const st = verify(request(B.prog(B.stx(8, 10, 1, -16), B.st(2, 10, -6, 7), B.mov64Imm(0, 0), B.exit()))).analysis!;
    expect(st.visits[2].state!.stack).toEqual([
      { off: -16, bytes: 'ssssssss', spilled: { reg: -1, type: 'PTR_TO_CTX', text: 'ctx' } },
      { off: -8, bytes: '??mm????' },
    ]);
    expect(st.visits[2].state!.text).toBe('R1=ctx R10=fp fp-16=ctx');
  });

  test('past the state limit, visits keep their pc and path only', () => {
    const v = verify(request(B.prog(B.mov64Imm(0, 0), B.mov64Imm(0, 1), B.exit())), { stateLimit: 2 }).analysis!;
    expect(v.visits.map((x) => x.state === null)).toEqual([false, false, true]);
    expect(v.stateLimit).toBe(2);
  });

  test('early failures name their stage and pc', () => {
    const pre = verify(request(B.prog(B.mov64Imm(0, 0), B.raw(0x01), B.exit()))).analysis!;
    expect([pre.stage, pre.error]).toEqual(['prescan', { pc: 1, message: 'BPF_LDX uses reserved fields' }]);
    const cfg = verify(request(B.prog(B.mov64Imm(0, 0), B.exit(), B.exit()))).analysis!;
    expect([cfg.stage, cfg.error]).toEqual(['cfg', { pc: 2, message: 'unreachable insn 2' }]);
    const sys = verify(request(B.prog(B.mov64Imm(0, 0), B.exit()), { progType: 3, privileged: false })).analysis!;
    expect(sys.stage).toBe('syscall');
    expect(sys.errno).toBe(1);
  });
});
