/**
 * Compiled == interpreted on every program of the conformance suites: each case that assembles
 * and passes checkProgram runs through the interpreter and through the compiler (vm/jit) on a
 * fresh host each, and the stop, every register, the pc, the program, the instruction count,
 * every region's bytes and the helpers' state must be equal. Also run in slices of a few
 * instructions, so that the compiled code's limit and re-entry in the middle of blocks are
 * exercised on every program. Prints its counts at the end.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { loadCases, type ConformanceCase } from '../support/conformance';
import { checkProgram, Machine, type Engine } from '../../src/vm';
import { FakeHost } from './host';
import { UBPF_HELPERS } from './ubpf-helpers';
import { assembleUbpf } from './asm';

function bytesOf(c: ConformanceCase): Uint8Array | null {
  if (c.raw) return c.raw;
  if (c.asm === undefined) return null;
  const r = assembleUbpf(c.asm);
  return r instanceof Uint8Array ? r : null;
}

/** One run on a fresh host: `slice` > 0 runs in slices of that many instructions. */
function runOne(c: ConformanceCase, bytes: Uint8Array, engine: Engine, slice: number): unknown {
  const host = new FakeHost({ mem: c.mem ? c.mem.slice() : undefined, helpers: UBPF_HELPERS });
  const m = new Machine(host, { id: 1, bytes }, { r1: host.r1, r2: BigInt(c.mem?.length ?? 0), r10: host.r10 }, { semantics: 'modern', engine, budget: 100_000 });
  let stop = slice > 0 ? m.run(slice) : m.run();
  while (stop.kind === 'paused') stop = m.run(slice);
  return { stop, regs: m.regs(), pc: m.pc, prog: m.progId, steps: m.stepCount, depth: m.frameDepth, host: host.snapshot() };
}

const cases = loadCases((r) => r.applicable && r.expects !== 'encoding');
/** the cases with a program that runs: error cases refused by the assembler or checkProgram run in neither engine */
const runnable = cases.flatMap((c) => {
  const bytes = bytesOf(c);
  if (bytes === null || checkProgram(bytes, { hasHelper: (id) => id in UBPF_HELPERS, initRegs: [1, 2, 10] }).length > 0) return [];
  return [{ c, bytes }];
});

describe('compiled == interpreted on the conformance programs', () => {
  test('the corpus is there', () => {
    expect(runnable.length).toBeGreaterThan(400);
  });

  for (const { c, bytes } of runnable) {
    test(c.file, () => {
      const ref = runOne(c, bytes, 'interpreter', 0);
      expect(runOne(c, bytes, 'compiled', 0)).toEqual(ref);
      expect(runOne(c, bytes, 'compiled', 3)).toEqual(ref);
    });
  }

  afterAll(() => {
    console.log(`jit conformance: ${runnable.length} of ${cases.length} programs compared (the rest are refused by the assembler or checkProgram)`);
  });
});
