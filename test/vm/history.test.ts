/**
 * The bounded history (vm/history.ts): checkpoints, replay and the byte bound. Recorded runs in
 * any mix (single steps, runs to a limit, runs to breakpoints, compiled or interpreted) followed
 * by steps back of any size always leave the state of a fresh run to the same step; past its
 * bound the history gives up its oldest steps and says how far back it still goes; a long run's
 * history stays under the bound whatever it does.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Machine, type Engine } from '../../src/vm';
import { CHECKPOINT_BYTES } from '../../src/vm/history';
import { UNDO_COST } from '../../src/mem';
import { call, exit, ins, machine, mov64, movReg, prog } from './build';
import type { FakeHost } from './host';
import { layout, randomHost, richPiece } from './random';

function state(m: Machine, host: FakeHost): unknown {
  return { regs: m.regs(), pc: m.pc, prog: m.progId, steps: m.stepCount, stopped: m.stopped, depth: m.frameDepth, host: host.snapshot() };
}

type Action = { k: 'step' } | { k: 'back'; n: number } | { k: 'run'; n: number } | { k: 'bp'; n: number; pcs: number[] };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Action>({ k: 'step' }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }).map((n): Action => ({ k: 'back', n })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }).map((n): Action => ({ k: 'run', n })) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 200 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 })).map(([n, pcs]): Action => ({ k: 'bp', n, pcs })) },
);

function fresh(bytes: Uint8Array, semantics: '4.8' | 'modern', engine: Engine, every = 8192, cap?: number): { m: Machine; host: FakeHost } {
  const host = randomHost();
  const m = new Machine(host, { id: 1, bytes }, { r1: host.r1, r2: 64n, r10: host.r10 }, { semantics, budget: 2000, engine, checkpointEvery: every, historyBytes: cap });
  return { m, host };
}

describe('stepping back through checkpoints', () => {
  test('random programs, random recorded runs and steps back: always the state of a fresh run to that step', () => {
    fc.assert(
      fc.property(
        fc.array(richPiece, { minLength: 1, maxLength: 30 }),
        fc.array(action, { maxLength: 30 }),
        fc.constantFrom('4.8' as const, 'modern' as const),
        fc.constantFrom<Engine>('interpreter', 'compiled'),
        fc.integer({ min: 1, max: 40 }),
        (pieces, actions, semantics, engine, every) => {
          const bytes = prog(layout(pieces));
          const { m, host } = fresh(bytes, semantics, engine, every);
          for (const a of actions) {
            const before = m.stepCount;
            if (a.k === 'step') m.step();
            else if (a.k === 'back') expect(m.back(a.n)).toBe(Math.min(a.n, before));
            else if (a.k === 'run') m.runRecorded(a.n);
            else {
              const r = m.runRecorded(a.n, new Set(a.pcs));
              // a breakpoint pauses before one of them, never before the first instruction run
              if (r.kind === 'paused' && r.at === 'breakpoint') expect([m.stepCount > before, a.pcs.includes(m.pc), m.progId]).toEqual([true, true, 1]);
            }
            const ref = fresh(bytes, semantics, 'interpreter');
            ref.m.run(m.stepCount);
            expect(state(m, host)).toEqual(state(ref.m, ref.host));
          }
          m.back(m.stepCount);
          expect(m.stepCount).toBe(0);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('a step back replays at most one checkpoint interval', () => {
    // 3 instructions a round, one of them a helper call: the calls count the replayed instructions
    const loop = [mov64(6, 0), movReg(1, 6), call(1), ins(0x07, 6, 0, 0, 1), ins(0x05, 0, 0, -4), exit()];
    const { m, host } = machine(loop, { budget: 100_000, checkpointEvery: 1000, engine: 'compiled' });
    m.runRecorded(99_999);
    const real = host.callHelper.bind(host);
    let calls = 0;
    host.callHelper = (...a: Parameters<FakeHost['callHelper']>) => (calls++, real(...a));
    const replayed: number[] = [];
    for (let i = 0; i < 50; i++) {
      calls = 0;
      expect(m.back(1)).toBe(1);
      replayed.push(calls);
    }
    expect(Math.max(...replayed)).toBeLessThanOrEqual(Math.ceil(1000 / 4));
    expect(replayed.some((c) => c > 0)).toBe(true);
    expect(m.stepCount).toBe(99_949);
    const ref = machine(loop, { budget: 100_000 }).m;
    ref.run(99_949);
    expect(m.regs()).toEqual(ref.regs());
  });
});

describe('the byte bound', () => {
  test('past the bound the oldest steps go; stepping back stops at historyStart and says the history is limited', () => {
    // a loop that writes a new stack page every round: each segment saves pages
    const loop = [mov64(1, 0), movReg(2, 10), ins(0x07, 2, 0, 0, -512), ins(0x0f, 2, 1), ins(0x7b, 2, 1, 0), ins(0x07, 1, 0, 0, 8), ins(0x57, 1, 0, 0, 511), ins(0x05, 0, 0, -7), exit()];
    const cap = 40 * CHECKPOINT_BYTES;
    const { m } = machine(loop, { budget: 1_000_000, checkpointEvery: 64, historyBytes: cap });
    expect(m.runRecorded()).toEqual({ kind: 'budget', executed: 1_000_000 });
    expect(m.historyLimited).toBe(true);
    expect(m.historyBytes).toBeLessThanOrEqual(cap + 4096);
    const start = m.historyStart;
    expect(start).toBeGreaterThan(900_000);
    expect(m.back(2_000_000)).toBe(1_000_000 - start);
    expect(m.stepCount).toBe(start);
    expect(m.back(1)).toBe(0);
    // the state there is exact: a fresh run to the same step agrees
    const ref = machine(loop, { budget: 1_000_000 }).m;
    ref.run(start);
    expect(m.regs()).toEqual(ref.regs());
  });

  test('a run of 3 million instructions with helper calls and stores keeps its history under the bound', () => {
    const loop = [mov64(6, 0), movReg(1, 6), call(1), ins(0x7b, 10, 0, -8), ins(0x07, 6, 0, 0, 1), ins(0x05, 0, 0, -5), exit()];
    const cap = 4 * 1024 * 1024;
    const { m, host } = machine(loop, { budget: 3_000_000, historyBytes: cap, engine: 'compiled' });
    let peakBytes = 0;
    let peakEntries = 0;
    while (m.runRecorded(250_000).kind === 'paused') {
      peakBytes = Math.max(peakBytes, m.historyBytes);
      peakEntries = Math.max(peakEntries, m.journalSize);
    }
    expect(m.stopped).toEqual({ kind: 'budget', executed: 3_000_000 });
    // the bound, give or take the segment being recorded (at most SEGMENT_BYTES past it)
    expect(peakBytes).toBeLessThanOrEqual(cap + 4 * 1024 * 1024);
    // what is held is what is counted: undos of at least UNDO_COST bytes each
    expect(peakEntries).toBeLessThanOrEqual((2 * cap) / UNDO_COST);
    expect(m.historyLimited).toBe(true);
    // back to the oldest step kept, then forward again: the helper's journaled counter agrees
    const counter = host.counter;
    m.back(m.historyLength);
    expect(m.historyStart).toBe(m.stepCount);
    m.runRecorded();
    expect(host.counter).toBe(counter);
  });

  test('an unrecorded run forgets the history; forgetHistory too', () => {
    const { m } = machine([mov64(0, 1), ins(0x07, 0, 0, 0, 1), ins(0x07, 0, 0, 0, 1), ins(0x07, 0, 0, 0, 1), exit()]);
    m.step();
    m.step();
    expect(m.historyLength).toBe(2);
    m.run(1);
    expect([m.historyLength, m.historyStart]).toEqual([0, 3]);
    expect(m.back(1)).toBe(0);
    m.step();
    expect(m.back(5)).toBe(1);
    m.step();
    m.forgetHistory();
    expect(m.back(1)).toBe(0);
  });
});
