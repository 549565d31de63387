/**
 * Random programs for the VM's property tests (stepping back, compiled == interpreted): pieces
 * of a few instructions laid out into a main function, an exit and a called function. They are
 * not verified: they divide by zero, loop, fault on bad accesses, call unknown helpers, make
 * tail calls and bpf-to-bpf calls, and hit instructions that cannot run.
 */
import fc from 'fast-check';
import type { RawInsn } from '../../src/isa';
import { call, exit, ins, lddw, mov64, movReg } from './build';
import { FakeHost, loadedProg } from './host';

/** A few instructions; jump and call offsets are fixed up once the program is laid out. */
type Piece = { slots: RawInsn[]; fix?: 'jump' | 'back' | 'call' };

const reg = fc.integer({ min: 0, max: 9 });
const imm = fc.oneof(fc.integer({ min: -4, max: 70 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const aluCode = fc.constantFrom(0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x3f, 0x47, 0x4f, 0x57, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0x04, 0x0c, 0x24, 0x3c, 0x64, 0x74, 0x84, 0x9c, 0xac, 0xb4, 0xbc, 0xc4, 0xd4, 0xdc, 0xd7);
const size = fc.constantFrom(0x00, 0x08, 0x10, 0x18);
const stackOff = fc.integer({ min: 1, max: 64 }).map((k) => -8 * k);
const endWidth = (i: number): number => [16, 32, 64][Math.abs(i) % 3];

/** The pieces of the stepping-back property (test/vm/step.test.ts). */
export const basicPiece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(aluCode, reg, reg, imm).map(([c, d, s, i]): Piece => ({ slots: [ins(c, d, s, 0, c === 0xd4 || c === 0xdc || c === 0xd7 ? endWidth(i) : i)] })) },
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

const divCode = fc.constantFrom(0x37, 0x3f, 0x97, 0x9f, 0x34, 0x3c, 0x94, 0x9c);
const condCode = fc.constantFrom(...[0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0].flatMap((h) => [h | 5, h | 0xd, h | 6, h | 0xe]), 0x05);
const smallImm = fc.integer({ min: -3, max: 3 });

/** More: every division (signed ones too, zero divisors), movsx, every jump, backward jumps, loads of every kind, packet loads, bad slots. */
export const richPiece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 8, arbitrary: basicPiece },
  { weight: 2, arbitrary: fc.tuple(divCode, reg, reg, fc.oneof(smallImm, imm), fc.constantFrom(0, 1)).map(([c, d, s, i, sg]): Piece => ({ slots: [ins(c, d, s, sg, i)] })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0xbf, 0xbc), reg, reg, fc.constantFrom(8, 16, 32)).map(([c, d, s, off]): Piece => ({ slots: [ins(c, d, s, c === 0xbc && off === 32 ? 8 : off)] })) },
  { weight: 2, arbitrary: fc.tuple(condCode, reg, reg, fc.integer({ min: 0, max: 6 }), fc.oneof(smallImm, imm)).map(([c, d, s, off, i]): Piece => ({ slots: [ins(c, d, s, off, i)], fix: 'jump' })) },
  { weight: 1, arbitrary: fc.tuple(condCode, reg, reg, fc.integer({ min: 1, max: 12 }), smallImm).map(([c, d, s, back, i]): Piece => ({ slots: [ins(c, d, s, -back, i)], fix: 'back' })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91), reg, stackOff).map(([c, d, off]): Piece => ({ slots: [ins(c, d, 10, off)] })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91), reg, fc.integer({ min: -4, max: 66 })).map(([c, d, off]): Piece => ({ slots: [ins(c, d, 1, off)] })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x62, 0x6a, 0x72, 0x7a), fc.integer({ min: -520, max: 8 }), imm).map(([c, off, i]): Piece => ({ slots: [ins(c, 10, 0, off, i)] })) },
  { weight: 1, arbitrary: fc.tuple(reg, fc.integer({ min: -600, max: 16 })).map(([d, off]): Piece => ({ slots: [movReg(5, 10), ins(0x79, d, 5, off)] })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x20, 0x28, 0x30, 0x40, 0x48, 0x50), reg, fc.integer({ min: -2, max: 40 })).map(([c, s, i]): Piece => ({ slots: [ins(c, 0, s, 0, i)] })) },
  { weight: 1, arbitrary: fc.tuple(reg, fc.constantFrom(1, 3, 99)).map(([d, id]): Piece => ({ slots: [mov64(d, id), ins(0x8d, d)] })) },
  { weight: 1, arbitrary: fc.constantFrom<Piece>({ slots: [ins(0xff, 0)] }, { slots: [ins(0x07, 11, 0, 0, 1)] }, { slots: [ins(0x95)] }) },
);

/** Lays out main + exit + a function (for local calls); jumps stay inside main, calls go to the function. */
export function layout(pieces: Piece[]): RawInsn[] {
  const out: RawInsn[] = [];
  const fixes: [number, 'jump' | 'back' | 'call'][] = [];
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
    else if (kind === 'back') out[at] = { ...out[at], off: Math.max(out[at].off, -at - 1) };
    else out[at] = { ...out[at], off: Math.min(out[at].off, exitAt - at - 1) };
  }
  return out.map((s) => ({ code: s.code, dst: s.dst, src: s.src, off: s.off, imm: s.imm }));
}

/** The host the random programs run on: a mem buffer in r1, a packet, helpers 1-3 and 12, a tail-call target. */
export function randomHost(): FakeHost {
  return new FakeHost({
    mem: new Uint8Array(64).map((_, i) => i * 3),
    packet: new Uint8Array(34).map((_, i) => (i * 37) & 0xff),
    progs: [loadedProg(2, [ins(0x07, 0, 0, 0, 9), ins(0x7a, 10, 0, -16, 3), exit()])],
  });
}
