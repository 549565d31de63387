/**
 * The compiler's arithmetic at the edges: every ALU operation (64- and 32-bit, immediate and
 * register forms, sdiv/smod and movsx included) and every conditional jump, on operands chosen
 * where int32-halves code goes wrong: 0, ±1, the 16-, 21-, 31-, 32- and 63-bit boundaries,
 * INT_MIN and -1 for signed division, shift counts of 31, 32, 33, 63, 64 and more. Compiled code
 * must leave the registers and memory exactly as the interpreter does. The inline multiplication
 * (emit-alu.ts mulhiuExpr: a short form for small constants, an exact double form otherwise) is
 * also checked against BigInt.
 */
import { describe, expect, test } from 'vitest';
import type { Engine } from '../../src/vm';
import { exit, ins, lddw, machine, movReg, type Slot } from './build';

/** a value whose product with the odd `b` is -1 modulo 2^32: the high half's rounding edge (just below a carry) */
function belowCarry(b: bigint): bigint {
  let inv = 1n;
  for (let i = 0; i < 5; i++) inv = (inv * (2n - b * inv)) & 0xffffffffn;
  return 0x5a5a5a5a00000000n | ((0x100000000n - inv) & 0xffffffffn);
}

const VALUES: bigint[] = [
  belowCarry(0xdeadbeefn), belowCarry(0x7fffffffn), belowCarry(0xffffffffn),
  0n, 1n, 2n, 7n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fn, 0xffffn, 0x10000n, 0x1fffffn, 0x200000n, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, 0x1ffffffffn, 0xdeadbeefn, 0x123456789abcdef0n, 0x7fffffffffffffffn, 0x8000000000000000n,
  -1n, -2n, -7n, -0x80000000n, -0x1fffffn, -0x200000n,
];
const IMMS: number[] = [0, 1, -1, 2, -2, 7, 31, 32, 33, 63, 64, 0xffff, 0x10000, 0x1fffff, 0x200000, 0x7fffffff, -0x80000000, -0x200000, -0x1fffff, 12345, -7];

/** r9 holds the mem buffer's address: each case stores its result at r9 + 8 k. */
const MEM = 8 * VALUES.length * VALUES.length + 64;

function run(insns: Slot[], engine: Engine, semantics: '4.8' | 'modern'): unknown {
  const { m, host } = machine([movReg(9, 1), ...insns, exit()], { mem: new Uint8Array(MEM), engine, semantics, budget: 1e6 });
  m.run();
  return { regs: m.regs(), stopped: m.stopped, steps: m.stepCount, host: host.snapshot() };
}

function same(insns: Slot[], semantics: '4.8' | 'modern' = 'modern'): void {
  expect(run(insns, 'compiled', semantics)).toEqual(run(insns, 'interpreter', semantics));
}

const store = (k: number, r: number): Slot => ins(0x7b, 9, r, 8 * k);

/** dst = a; (src = b;) op; result stored, for every pair of values (register form) or value and immediate. */
function cases(code: number, off: number): Slot[][] {
  const regForm: Slot[] = [];
  const immForm: Slot[] = [];
  let k = 0;
  for (const a of VALUES) {
    for (const b of VALUES) regForm.push(lddw(1, a), lddw(2, b), ins(code | 8, 1, 2, off), store(k++, 1));
  }
  k = 0;
  for (const a of VALUES) for (const imm of IMMS) immForm.push(lddw(1, a), ins(code, 1, 0, off, imm), store(k++, 1));
  return [regForm, immForm];
}

describe('compiled ALU operations equal the interpreter at the edges', () => {
  // add sub mul div or and lsh rsh neg mod xor mov arsh
  const OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0];
  for (const cls of [0x07, 0x04]) {
    for (const op of OPS) {
      test(`${cls === 0x07 ? 'ALU64' : 'ALU32'} 0x${(op | cls).toString(16)}`, () => {
        for (const form of cases(op | cls, 0)) same(form);
        // division and modulo: 4.8's semantics stop at a zero divisor, as the interpreter does
        if (op === 0x30 || op === 0x90) for (const form of cases(op | cls, 0)) same(form, '4.8');
      });
    }
    test(`${cls === 0x07 ? 'ALU64' : 'ALU32'} signed division and modulo (INT_MIN / -1 included)`, () => {
      for (const op of [0x30, 0x90]) for (const form of cases(op | cls, 1)) same(form);
    });
    test(`${cls === 0x07 ? 'ALU64' : 'ALU32'} movsx`, () => {
      for (const off of [8, 16, 32]) same(cases(0xb0 | cls, off)[0]);
    });
  }

  test('byte swaps and truncations', () => {
    const insns: Slot[] = [];
    let k = 0;
    for (const a of VALUES) for (const code of [0xd4, 0xdc, 0xd7]) for (const imm of [16, 32, 64]) insns.push(lddw(1, a), ins(code, 1, 0, 0, imm), store(k++, 1));
    same(insns);
  });

  test('64-bit products equal BigInt (the inline high half, small constants and the exact general form)', () => {
    const insns: Slot[] = [];
    const want: bigint[] = [];
    let k = 0;
    const mask = (1n << 64n) - 1n;
    for (const a of VALUES) {
      for (const imm of IMMS) {
        insns.push(lddw(1, a), ins(0x27, 1, 0, 0, imm), store(k++, 1));
        want.push((a * BigInt(imm)) & mask);
      }
      for (const b of VALUES) {
        insns.push(lddw(1, a), lddw(2, b), ins(0x2f, 1, 2), store(k++, 1));
        want.push((a * b) & mask);
      }
    }
    const { m, host } = machine([movReg(9, 1), ...insns, exit()], { mem: new Uint8Array(8 * k), engine: 'compiled' });
    m.run();
    expect(m.stopped?.kind).toBe('exit');
    const view = new DataView(host.memRegion!.bytes.buffer);
    const got = want.map((_, i) => view.getBigUint64(8 * i, true));
    expect(got).toEqual(want);
  });
});

describe('compiled conditional jumps equal the interpreter at the edges', () => {
  const CONDS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];
  for (const cls of [0x05, 0x06]) {
    test(`${cls === 0x05 ? 'JMP' : 'JMP32'}: every condition, register and immediate forms`, () => {
      for (const c of CONDS) {
        const regForm: Slot[] = [];
        const immForm: Slot[] = [];
        let k = 0;
        // r3 = 0; if (cond) skip r3 = 1; store r3
        for (const a of VALUES) for (const b of VALUES) regForm.push(lddw(1, a), lddw(2, b), ins(0xb7, 3, 0, 0, 0), ins(c | cls | 8, 1, 2, 1), ins(0xb7, 3, 0, 0, 1), store(k++, 3));
        k = 0;
        for (const a of VALUES) for (const imm of IMMS) immForm.push(lddw(1, a), ins(0xb7, 3, 0, 0, 0), ins(c | cls, 1, 0, 1, imm), ins(0xb7, 3, 0, 0, 1), store(k++, 3));
        same(regForm);
        same(immForm);
      }
    });
  }
});
