/**
 * Every applicable test of test/data/conformance (bpf_conformance and uBPF) through checkProgram
 * and the Machine, as those suites' runners run them: `-- raw` over `-- asm`, r1 = the `-- mem` buffer
 * (writable) and r2 = its length (0 and 0 without one), r10 = the top of a 512-byte stack, the
 * full 64-bit r0, 'modern' division semantics, and uBPF's helpers 0-5. Error tests must be refused
 * by the assembler or checkProgram, or fault at run time, as INDEX.json's error_stage says. Prints
 * its counts at the end.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { loadCases, type ConformanceCase } from '../support/conformance';
import { checkProgram, Machine } from '../../src/vm';
import { FakeHost } from './host';
import { UBPF_HELPERS, UNWIND } from './ubpf-helpers';
import { assembleUbpf } from './asm';

type Outcome = { pass: true; note?: string } | { pass: false; why: string } | { skip: string };

const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;

/** The program a case runs: its raw bytes, else its assembled asm, else why there is none. */
function programOf(c: ConformanceCase): Uint8Array | { refused: string } | { skip: string } {
  if (c.raw) return c.raw;
  if (c.asm === undefined) return { skip: 'no program' };
  return assembleUbpf(c.asm);
}

/** Runs one case; the result r0, or the stop when it was not an exit. */
function run(c: ConformanceCase, bytes: Uint8Array): { problems: string[]; r0?: bigint; fault?: string } {
  const host = new FakeHost({ mem: c.mem ? c.mem.slice() : undefined, helpers: UBPF_HELPERS });
  const problems = checkProgram(bytes, { hasHelper: (id) => host.hasHelper(id), initRegs: [1, 2, 10] });
  if (problems.length > 0) return { problems: problems.map((p) => `pc ${p.pc ?? '-'}: ${p.message}`) };
  const m = new Machine(host, { id: 1, bytes }, { r1: host.r1, r2: BigInt(c.mem?.length ?? 0), r10: host.r10 }, { semantics: 'modern' });
  const stop = m.run();
  if (stop.kind === 'exit') return { problems: [], r0: stop.r0 };
  if (stop.kind === 'fault' && stop.message.endsWith(UNWIND)) return { problems: [], r0: 0n };
  return { problems: [], fault: stop.kind === 'fault' ? `${stop.message} at pc ${stop.pc}` : stop.kind };
}

/** Cases whose expectation contradicts the ISA bpflab implements, each with the reason. */
const DISAGREE: Record<string, string> = {
  'ubpf/tests/errors/err-unknown-opcode.data': 'opcode 0x06 is ja32 (gotol +0) in RFC 9669, which bpflab runs; this uBPF test predates it',
};

function judge(c: ConformanceCase): Outcome {
  const ix = c.index;
  if (ix.expects === 'encoding') return { skip: 'assembler encoding test (test/asm checks it)' };
  if (DISAGREE[c.file]) return { skip: DISAGREE[c.file] };
  if (c.problems.length > 0) return { pass: false, why: `unreadable: ${c.problems.join('; ')}` };
  const prog = programOf(c);
  if ('skip' in prog) return prog;
  if (ix.expects === 'error') {
    if ('refused' in prog) return ix.error_stage === 'runtime' ? { pass: false, why: `assembler refused: ${prog.refused}` } : { pass: true, note: 'refused by the assembler' };
    if (ix.error_stage === 'assemble') return { pass: false, why: 'the assembler accepted it' };
    const r = run(c, prog);
    if (ix.error_stage === 'load') return r.problems.length > 0 ? { pass: true, note: r.problems[0] } : { pass: false, why: `not refused at load (${r.fault ?? hex(r.r0!)})` };
    if (r.problems.length > 0) return { pass: false, why: `refused at load, should fault at run time: ${r.problems[0]}` };
    return r.fault !== undefined ? { pass: true, note: r.fault } : { pass: false, why: `ran to the end with r0 = ${hex(r.r0!)}` };
  }
  if ('refused' in prog) return { pass: false, why: `assembler refused: ${prog.refused}` };
  const r = run(c, prog);
  if (r.problems.length > 0) return { pass: false, why: `refused at load: ${r.problems.join('; ')}` };
  if (r.fault !== undefined) return { pass: false, why: `stopped: ${r.fault}` };
  if (ix.expected_to_fail) {
    // a deliberately wrong expected value: a correct interpreter must disagree with it
    return r.r0 !== c.result ? { pass: true, note: `expected mismatch, r0 = ${hex(r.r0!)}` } : { pass: false, why: 'matched a wrong value' };
  }
  return r.r0 === c.result ? { pass: true } : { pass: false, why: `r0 = ${hex(r.r0!)}, expected ${hex(c.result!)}` };
}

const cases = loadCases((r) => r.applicable);
const counts = { passed: 0, failed: 0, skipped: new Map<string, number>() };
/** [passed, failed, skipped] per kind of test (result, error at assemble, load, runtime, encoding) */
const byKind = new Map<string, [number, number, number]>();
const kindOf = (c: ConformanceCase): string => (c.index.expects === 'error' ? `error (${c.index.error_stage})` : c.index.expects);

describe('conformance (test/data/conformance)', () => {
  test('the corpus is there', () => {
    expect(cases.length).toBeGreaterThan(400);
  });

  for (const c of cases) {
    test(c.file, (ctx) => {
      const o = judge(c);
      const k = byKind.get(kindOf(c)) ?? [0, 0, 0];
      k['skip' in o ? 2 : o.pass ? 0 : 1]++;
      byKind.set(kindOf(c), k);
      if ('skip' in o) {
        counts.skipped.set(o.skip, (counts.skipped.get(o.skip) ?? 0) + 1);
        ctx.skip();
        return;
      }
      if (o.pass) counts.passed++;
      else counts.failed++;
      expect(o.pass ? '' : o.why).toBe('');
    });
  }

  afterAll(() => {
    const skipped = [...counts.skipped].map(([why, n]) => `\n  skipped ${n}: ${why}`).join('');
    const total = counts.passed + counts.failed + [...counts.skipped.values()].reduce((a, b) => a + b, 0);
    const kinds = [...byKind].map(([kind, [p, f, sk]]) => `\n  ${kind}: ${p} passed, ${f} failed, ${sk} skipped`).join('');
    console.log(`conformance: ${total} applicable tests, ${counts.passed} passed, ${counts.failed} failed${kinds}${skipped}`);
  });
});
