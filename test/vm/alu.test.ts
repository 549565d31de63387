/**
 * ALU, ALU64, END and the conditional jumps, checked against the BigInt reference model
 * (test/vm/ref.ts): a table of values that break naive implementations (sign extension,
 * 32-bit zero-extension, shift masking, INT_MIN / -1, carries between the halves), then random
 * 64-bit values.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { exit, ins, machine } from './build';
import { refAlu, refEnd, refJmp, refMovsx, type RefAluOp, type RefJmpOp } from './ref';

const EDGES: bigint[] = [
  0n, 1n, 2n, 3n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x1_0000_0005n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0x8000000000000001n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff80000000n,
  0x123456789abcdef0n, 0xfedcba9876543210n, 0x00000000deadbeefn,
];
const IMMS: number[] = [0, 1, -1, 2, 31, 32, 63, 64, -32, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678, 0xff, 0x8000];

const ALU: [RefAluOp, number, number][] = [
  ['add', 0x00, 0], ['sub', 0x10, 0], ['mul', 0x20, 0], ['div', 0x30, 0], ['or', 0x40, 0], ['and', 0x50, 0],
  ['lsh', 0x60, 0], ['rsh', 0x70, 0], ['mod', 0x90, 0], ['xor', 0xa0, 0], ['mov', 0xb0, 0], ['arsh', 0xc0, 0],
  ['sdiv', 0x30, 1], ['smod', 0x90, 1],
];

/** Runs `op r1, r2` (or `op r1, imm`) with r1 = a, r2 = b; returns r1 afterwards. */
function alu(code: number, a: bigint, b: bigint, imm = 0, off = 0): bigint {
  const { m } = machine([ins(code, 1, 2, off, imm), exit()], { semantics: 'modern' });
  m.reset({ r1: a, r2: b, r10: m.reg(10) });
  const stop = m.run();
  expect(stop.kind).toBe('exit');
  return m.reg(1);
}

describe('ALU and ALU64 against the reference model', () => {
  for (const [name, op, off] of ALU) {
    for (const bits of [64, 32] as const) {
      const cls = bits === 64 ? 0x07 : 0x04;
      test(`${name}${bits === 32 ? '32' : ''} register form, edge values`, () => {
        for (const a of EDGES) for (const b of EDGES) expect(alu(op | cls | 0x08, a, b, 0, off), `${a} ${name} ${b}`).toBe(refAlu(name, a, b, bits));
      });
      test(`${name}${bits === 32 ? '32' : ''} immediate form, edge values`, () => {
        for (const a of EDGES) for (const imm of IMMS) expect(alu(op | cls, a, 0n, imm, off), `${a} ${name} ${imm}`).toBe(refAlu(name, a, BigInt(imm), bits));
      });
    }
  }

  test('neg and neg32', () => {
    for (const a of EDGES) {
      expect(alu(0x87, a, 0n)).toBe(refAlu('neg', a, 0n, 64));
      expect(alu(0x84, a, 0n)).toBe(refAlu('neg', a, 0n, 32));
    }
  });

  test('movsx: 8, 16, 32 bits into 64; 8, 16 into 32', () => {
    for (const a of EDGES) {
      for (const from of [8, 16, 32]) expect(alu(0xbf, 0n, a, 0, from), `movsx${from} ${a}`).toBe(refMovsx(a, from, 64));
      for (const from of [8, 16]) expect(alu(0xbc, 0n, a, 0, from), `movsx32 ${from} ${a}`).toBe(refMovsx(a, from, 32));
    }
  });

  test('random 64-bit operands', () => {
    const ops = fc.constantFrom(...ALU);
    const val = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(...EDGES));
    fc.assert(
      fc.property(ops, val, val, fc.boolean(), fc.integer({ min: -0x80000000, max: 0x7fffffff }), ([name, op, off], a, b, is64, imm) => {
        const bits = is64 ? 64 : 32;
        const cls = is64 ? 0x07 : 0x04;
        expect(alu(op | cls | 0x08, a, b, 0, off)).toBe(refAlu(name, a, b, bits));
        expect(alu(op | cls, a, 0n, imm, off)).toBe(refAlu(name, a, BigInt(imm), bits));
      }),
      { numRuns: 400 },
    );
  });
});

describe('division by zero', () => {
  const run = (code: number, a: bigint, b: bigint, semantics: '4.8' | 'modern', imm = 0, off = 0) => {
    const { m } = machine([ins(code, 1, 2, off, imm), ins(0xbf, 0, 1), exit()], { semantics });
    m.reset({ r1: a, r2: b, r10: m.reg(10) });
    return { stop: m.run(), r1: m.reg(1) };
  };

  test.each([
    ['div64 reg', 0x3f, 0n, 0],
    ['mod64 reg', 0x9f, 0x1_0000_0005n, 0],
    ['div32 reg', 0x3c, 0n, 0],
    ['mod32 reg truncates dst', 0x9c, 5n, 0],
    ['sdiv64 reg', 0x3f, 0n, 1],
    ['smod32 reg', 0x9c, 5n, 1],
  ] as const)("modern: %s", (_n, code, want, off) => {
    const r = run(code, 0x1_0000_0005n, 0n, 'modern', 0, off);
    expect(r.stop).toEqual({ kind: 'exit', r0: want });
  });

  test('modern: division by an immediate 0 gives 0, modulo keeps dst', () => {
    expect(run(0x37, 77n, 0n, 'modern').r1).toBe(0n);
    expect(run(0x97, 77n, 0n, 'modern').r1).toBe(77n);
  });

  test('4.8: division or modulo by a zero register ends the program with r0 = 0', () => {
    for (const code of [0x3f, 0x9f, 0x3c, 0x9c]) {
      const r = run(code, 0x1234n, 0n, '4.8');
      expect(r.stop).toEqual({ kind: 'exit', r0: 0n, cause: 'div_by_zero' });
    }
  });

  test('4.8: a 32-bit divisor whose low half is 0 but high half is not crashes 4.8: a fault', () => {
    const r = run(0x3c, 10n, 0x1_0000_0000n, '4.8');
    expect(r.stop).toMatchObject({ kind: 'fault', pc: 0 });
    expect(r.stop.kind === 'fault' && r.stop.message).toMatch(/crashes/);
    expect(run(0x3c, 10n, 0x1_0000_0000n, 'modern').stop).toEqual({ kind: 'exit', r0: 0n });
  });

  test('4.8: division by the constant 0 is a fault (the verifier refuses it)', () => {
    expect(run(0x37, 10n, 0n, '4.8').stop).toMatchObject({ kind: 'fault', pc: 0 });
  });

  test('a 64-bit divisor with only its high half set is not zero', () => {
    expect(run(0x3f, 0xffffffffffffffffn, 0x1_0000_0000n, '4.8').r1).toBe(0xffffffffn);
  });
});

describe('END and bswap', () => {
  test.each([16, 32, 64] as const)('width %i', (w) => {
    for (const a of EDGES) {
      expect(alu(0xd4, a, 0n, w), `le${w}`).toBe(refEnd(a, w, false));
      expect(alu(0xdc, a, 0n, w), `be${w}`).toBe(refEnd(a, w, true));
      expect(alu(0xd7, a, 0n, w), `bswap${w}`).toBe(refEnd(a, w, true));
    }
  });

  test('be16 of 0x1122334455667788 is 0x8877 (upper bits cleared)', () => {
    expect(alu(0xdc, 0x1122334455667788n, 0n, 16)).toBe(0x8877n);
  });
});

describe('conditional jumps against the reference model', () => {
  const JMP: [RefJmpOp, number][] = [
    ['jeq', 0x10], ['jgt', 0x20], ['jge', 0x30], ['jset', 0x40], ['jne', 0x50], ['jsgt', 0x60], ['jsge', 0x70],
    ['jlt', 0xa0], ['jle', 0xb0], ['jslt', 0xc0], ['jsle', 0xd0],
  ];
  /** r0 = 1 when `j r1, r2/imm, +2` is taken */
  const taken = (code: number, a: bigint, b: bigint, imm = 0): boolean => {
    const { m } = machine([ins(code, 1, 2, 2, imm), ins(0xb7, 0, 0, 0, 0), exit(), ins(0xb7, 0, 0, 0, 1), exit()]);
    m.reset({ r1: a, r2: b, r10: m.reg(10) });
    const stop = m.run();
    return stop.kind === 'exit' && stop.r0 === 1n;
  };

  for (const [name, op] of JMP) {
    test(`${name} and ${name}32, both operand forms`, () => {
      for (const a of EDGES) {
        for (const b of EDGES) {
          expect(taken(op | 0x05 | 0x08, a, b), `${a} ${name} ${b}`).toBe(refJmp(name, a, b, 64));
          expect(taken(op | 0x06 | 0x08, a, b), `${a} ${name}32 ${b}`).toBe(refJmp(name, a, b, 32));
        }
        for (const imm of IMMS) {
          expect(taken(op | 0x05, a, 0n, imm), `${a} ${name} ${imm}`).toBe(refJmp(name, a, BigInt(imm), 64));
          expect(taken(op | 0x06, a, 0n, imm), `${a} ${name}32 ${imm}`).toBe(refJmp(name, a, BigInt(imm), 32));
        }
      }
    });
  }

  test('ja, ja32 (offset in imm) and backward jumps', () => {
    const { m } = machine([ins(0x05, 0, 0, 2), ins(0xb7, 0, 0, 0, 9), exit(), ins(0x06, 0, 0, 0, -3), exit()]);
    // 0: ja +2 -> 3: ja32 -3 -> 1: r0 = 9 -> 2: exit
    expect(m.run()).toEqual({ kind: 'exit', r0: 9n });
    expect(m.stepCount).toBe(4);
  });
});

describe('ld_imm64', () => {
  test('loads the 64-bit value, with src_reg 1 too (the map address the kernel put there)', () => {
    for (const src of [0, 1]) {
      const { m } = machine([{ code: 0x18, dst: 0, src, off: 0, imm: 0x55667788, slots: 2, next: ins(0, 0, 0, 0, 0x11223344) }, exit()]);
      expect(m.run()).toEqual({ kind: 'exit', r0: 0x1122334455667788n });
      expect(m.stepCount).toBe(2);
    }
  });
});
