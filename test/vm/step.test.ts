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
    expect(m.back()).toBe(true);
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

/** A few instructions each; jump and call offsets are fixed up once the program is laid out. */
type Piece = { slots: RawInsn[]; fix?: 'jump' | 'call' };

const reg = fc.integer({ min: 0, max: 9 });
const imm = fc.oneof(fc.integer({ min: -4, max: 70 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const aluCode = fc.constantFrom(0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x3f, 0x47, 0x4f, 0x57, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0x04, 0x0c, 0x24, 0x3c, 0x64, 0x74, 0x84, 0x9c, 0xac, 0xb4, 0xbc, 0xc4, 0xd4, 0xdc, 0xd7);
const size = fc.constantFrom(0x00, 0x08, 0x10, 0x18);
const stackOff = fc.integer({ min: 1, max: 64 }).map((k) => -8 * k);

const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(aluCode, reg, reg, imm).map(([c, d, s, i]): Piece => ({ slots: [ins(c, d, s, 0, c === 0xd4 || c === 0xdc || c === 0xd7 ? [16, 32, 64][Math.abs(i) % 3] : i)] })) },
  { weight: 2, arbitrary: fc.tuple(size, reg, stackOff).map(([sz, s, off]): Piece => ({ slots: [ins(0x63 | sz, 10, s, off)] })) },
  { weight: 2, arbitrary: fc.tuple(size, reg, stackOff).map(([sz, d, off]): Piece => ({ slots: [ins(0x61 | sz, d, 10, off)] })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x00, 0x01, 0x41, 0xa1, 0xe1, 0xf1), reg, stackOff).map(([op, s, off]): Piece => ({ slots: [ins(0xdb, 10, s, off, op)] })) },
  { weight: 1, arbitrary: fc.tuple(reg, fc.integer({ min: -4, max: 70 })).map(([s, off]): Piece => ({ slots: [ins(0x7b, 1, s, off)] })) },
  { weight: 1, arbitrary: fc.tuple(reg, fc.integer({ min: 0, max: 63 })).map(([d, off]): Piece => ({ slots: [ins(0x71, d, 1, off)] })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(0x15, 0x1d, 0x25, 0x5d, 0x65, 0xad, 0x16, 0xce, 0x05), reg, reg, fc.integer({ min: 0, max: 6 }), imm).map(([c, d, s, off, i]): Piece => ({ slots: [ins(c, d, s, off, i)], fix: 'jump' })) },
  { weight: 1, arbitrary: fc.tuple(reg, imm).map(([s, v]): Piece => ({ slots: [movReg(1, s), mov64(2, v), call(1)] })) },
  { weight: 1, arbitrary: reg.map((s): Piece => ({ slots: [movReg(1, s), call(3)] })) },
  { weight: 1, arbitrary: fc.tuple(stackOff, reg).map(([off, s]): Piece => ({ slots: [movReg(1, 10), ins(0x07, 1, 0, 0, off), movReg(2, s), call(2)] })) },
  { weight: 1, arbitrary: fc.constant<Piece>({ slots: [ins(0x85, 0, 1, 0, 0)], fix: 'call' }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }).map((k): Piece => ({ slots: [mov64(3, k), call(12)] })) },
  { weight: 1, arbitrary: fc.tuple(reg, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([d, v]): Piece => ({ slots: [lddw(d, v)] })) },
);

/** Lays out main + exit + a function (for local calls); jumps stay inside main, calls go to the function. */
function layout(pieces: Piece[]): RawInsn[] {
  const out: RawInsn[] = [];
  const fixes: [number, 'jump' | 'call'][] = [];
  for (const p of pieces) {
    if (p.fix) fixes.push([out.length, p.fix]);
    for (const s of p.slots) {
      out.push(s);
      if ((s as { slots?: number }).slots === 2) out.push((s as { next?: RawInsn }).next ?? ins(0));
    }
  }
  const exitAt = out.length;
  out.push(exit());
  const fn = out.length;
  out.push(mov64(6, 77), ins(0x7a, 10, 0, -8, 5), ins(0xbf, 0, 1), ins(0x07, 0, 0, 0, 1), exit());
  for (const [at, kind] of fixes) {
    if (kind === 'call') out[at] = { ...out[at], imm: fn - at - 1 };
    else out[at] = { ...out[at], off: Math.min(out[at].off, exitAt - at - 1) };
  }
  return out.map((s) => ({ code: s.code, dst: s.dst, src: s.src, off: s.off, imm: s.imm }));
}

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
        fc.array(piece, { minLength: 1, maxLength: 30 }),
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
              expect(m.back()).toBe(n > 0);
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
