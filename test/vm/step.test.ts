/**
 * Step events (what one instruction did) and stepping back: a property test over random
 * programs and random sequences of step and back, where the state must always equal a fresh
 * run to the same step (registers, pc, program, frames, every region's bytes, the host's
 * journaled state), and re-stepping must give the same event again.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { RawInsn } from '../../src/isa';
import { Machine, type StepEvent } from '../../src/vm';
import { call, exit, ins, lddw, machine, mov64, movReg, prog } from './build';
import { FakeHost, loadedProg } from './host';
import { basicPiece, layout } from './random';

describe('step events', () => {
  test('an ALU step: pc before and after, the register written with its old and new value', () => {
    const { m } = machine([mov64(3, 7), ins(0x07, 3, 0, 0, -8), exit()]);
    m.step();
    const ev = m.step();
    expect(ev).toMatchObject({ step: 1, progId: 1, pcBefore: 1, pcAfter: 2, regs: [{ reg: 3, old: 7n, new: 0xffffffffffffffffn }], reads: [], writes: [] });
    expect(ev.insn).toMatchObject({ kind: 'alu', op: 'add', dst: 3, imm: -8 });
    expect(ev.stop).toBeUndefined();
  });

  test('a store: region, offset, address and the bytes before and after', () => {
    const { m, host } = machine([lddw(1, 0x1122n), ins(0x6b, 10, 1, -4), ins(0x69, 0, 10, -4), exit()]);
    m.step();
    const st = m.step();
    expect(st.writes).toEqual([{ region: 'stack', kind: 'stack', offset: 508, addr: host.r10 - 4n, size: 2, old: new Uint8Array(2), new: Uint8Array.from([0x22, 0x11]) }]);
    const ld = m.step();
    expect(ld.reads).toEqual([{ region: 'stack', kind: 'stack', offset: 508, addr: host.r10 - 4n, size: 2 }]);
    expect(ld.regs).toEqual([{ reg: 0, old: 0n, new: 0x1122n }]);
  });

  test('a helper call: id, name, arguments, result, effects and the bytes it wrote', () => {
    const { m, host } = machine([movReg(1, 10), ins(0x07, 1, 0, 0, -8), mov64(2, 0x55), call(2), mov64(1, 4), call(1), exit()]);
    for (let i = 0; i < 3; i++) m.step();
    const wr = m.step();
    expect(wr.call).toEqual({ id: 2, name: 'map_update_elem', args: [host.r10 - 8n, 0x55n, 0n, 0n, 0n], ret: 0n });
    expect(wr.writes).toMatchObject([{ region: 'stack', offset: 504, size: 8, new: Uint8Array.from([0x55, 0, 0, 0, 0, 0, 0, 0]) }]);
    m.step();
    const ct = m.step();
    expect(ct.call).toMatchObject({ id: 1, ret: 4n });
    expect(ct.effects).toEqual([{ kind: 'note', text: 'counter 4' }]);
    expect(ct.regs).toEqual([{ reg: 0, old: 0n, new: 4n }]);
  });

  test('a tail call names both programs', () => {
    const { m } = machine([mov64(3, 0), call(12), exit()], { progs: [loadedProg(9, [mov64(0, 1), exit()])] });
    m.step();
    const ev = m.step();
    expect(ev).toMatchObject({ progId: 1, pcBefore: 1, pcAfter: 0, tailCall: { fromProgId: 1, toProgId: 9 } });
    expect(ev.call?.ret).toBeUndefined();
    expect(m.step()).toMatchObject({ progId: 9, pcBefore: 0 });
  });

  test('the last step carries the stop; stepping a stopped run changes nothing', () => {
    const { m } = machine([mov64(0, 3), exit()]);
    m.step();
    const last = m.step();
    expect(last.stop).toEqual({ kind: 'exit', r0: 3n });
    expect(last.pcAfter).toBe(1);
    const again = m.step();
    expect(again).toMatchObject({ stop: { kind: 'exit', r0: 3n }, regs: [], step: 2 });
    expect(m.stepCount).toBe(2);
    expect(m.back()).toBe(1);
    expect(m.stopped).toBeNull();
    expect(m.pc).toBe(1);
  });

  test('a faulting step writes nothing and reports the fault', () => {
    const { m } = machine([mov64(1, 8), ins(0x7b, 1, 1, 0), exit()]);
    m.step();
    const ev = m.step();
    expect(ev.writes).toEqual([]);
    expect(ev.stop).toMatchObject({ kind: 'fault', pc: 1, mem: { addr: 8n, reason: 'no region' } });
    expect(ev.pcAfter).toBe(1);
  });

  test('falling off the end is a fault at the slot past the last', () => {
    const { m } = machine([mov64(0, 1)]);
    m.step();
    expect(m.step().stop).toMatchObject({ kind: 'fault', pc: 1, message: 'execution fell off the end of the program' });
  });

  test('history stays small for the longest legal run', () => {
    const body: RawInsn[] = [];
    for (let i = 0; i < 4094; i++) body.push(ins(i % 2 ? 0x07 : 0x7b, i % 2 ? 0 : 10, 0, i % 2 ? 0 : -8, 1));
    const { m } = machine([...body, exit()]);
    for (let i = 0; i < 33; i++) {
      m.reset({ r10: m.reg(10) });
      expect(m.runRecorded().kind).toBe('exit');
    }
    expect(m.historyLength).toBe(4095);
    expect(m.historyBytes).toBeLessThan(4095 * 64);
  });
});

// ---- the property ----

function fresh(bytes: Uint8Array, semantics: '4.8' | 'modern'): { m: Machine; host: FakeHost } {
  const host = new FakeHost({ mem: new Uint8Array(64).map((_, i) => i * 3), progs: [loadedProg(2, [ins(0x07, 0, 0, 0, 9), ins(0x7a, 10, 0, -16, 3), exit()])] });
  const m = new Machine(host, { id: 1, bytes }, { r1: host.r1, r2: 64n, r10: host.r10 }, { semantics, budget: 500 });
  return { m, host };
}

function state(m: Machine, host: FakeHost): unknown {
  return { regs: m.regs(), pc: m.pc, prog: m.progId, steps: m.stepCount, stopped: m.stopped, depth: m.frameDepth, host: host.snapshot() };
}

describe('stepping back', () => {
  test('random programs, random step/back sequences: always the state of a fresh run to that step', () => {
    fc.assert(
      fc.property(
        fc.array(basicPiece, { minLength: 1, maxLength: 30 }),
        fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant('step' as const) }, { weight: 2, arbitrary: fc.constant('back' as const) }), { maxLength: 80 }),
        fc.constantFrom('4.8' as const, 'modern' as const),
        (pieces, actions, semantics) => {
          const bytes = prog(layout(pieces));
          const { m, host } = fresh(bytes, semantics);
          const events: StepEvent[] = [];
          let n = 0;
          for (const a of actions) {
            if (a === 'step') {
              const wasStopped = m.stopped !== null;
              const ev = m.step();
              if (!wasStopped && ev.stop?.kind !== 'budget') {
                if (events[n]) expect(ev).toEqual(events[n]);
                events[n] = ev;
                n++;
              }
            } else {
              expect(m.back()).toBe(n > 0 ? 1 : 0);
              if (n > 0) n--;
            }
            const ref = fresh(bytes, semantics);
            ref.m.run(n);
            expect(state(m, host)).toEqual(state(ref.m, ref.host));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
