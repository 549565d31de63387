import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { assemble, disassemble, type DisasmFormat } from '../../src/asm';
import { ALU_OP_OF, AtomicOp, JMP_OP_OF, encodeProgram, slotsToHex, type AluName, type JmpName, type RawInsn } from '../../src/isa';

type Slots = RawInsn & { slots?: number; next?: RawInsn };
const ins = (code: number, dst = 0, src = 0, off = 0, imm = 0): Slots => ({ code, dst, src, off, imm });

const reg = fc.integer({ min: 0, max: 10 });
const s16 = fc.integer({ min: -32768, max: 32767 });
const s32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const SIZE = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 } as const;
const ALU_OPS: AluName[] = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'mod', 'xor', 'mov', 'arsh', 'sdiv', 'smod'];
const JMP_OPS = Object.keys(JMP_OP_OF) as JmpName[];
const ATOMICS = [AtomicOp.ADD, AtomicOp.OR, AtomicOp.AND, AtomicOp.XOR, 0x01, 0x41, 0x51, 0xa1, AtomicOp.XCHG, AtomicOp.CMPXCHG];

/** Every valid instruction form of the ISA (4.8 and later), reserved fields zero. */
const insn: fc.Arbitrary<Slots> = fc.oneof(
  fc.tuple(fc.boolean(), fc.constantFrom(...ALU_OPS), fc.boolean(), reg, reg, s32).map(([a64, op, x, d, s, imm]) =>
    ins((a64 ? 7 : 4) | ALU_OP_OF[op] | (x ? 8 : 0), d, x ? s : 0, op === 'sdiv' || op === 'smod' ? 1 : 0, x ? 0 : imm)),
  fc.tuple(fc.boolean(), reg).map(([a64, d]) => ins(a64 ? 0x87 : 0x84, d)),
  fc.tuple(fc.constantFrom(0xd4, 0xdc, 0xd7), reg, fc.constantFrom(16, 32, 64)).map(([c, d, bits]) => ins(c, d, 0, 0, bits)),
  fc.tuple(fc.constantFrom([0xbf, 8], [0xbf, 16], [0xbf, 32], [0xbc, 8], [0xbc, 16]), reg, reg).map(([[c, bits], d, s]) => ins(c, d, s, bits)),
  fc.tuple(reg, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([d, v]) => ({
    ...ins(0x18, d, 0, 0, Number(BigInt.asIntN(32, v))), slots: 2, next: ins(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n))),
  })),
  fc.tuple(reg, s32, fc.constantFrom(1, 2), s32).map(([d, fd, src, off]) => ({ ...ins(0x18, d, src, 0, fd), slots: 2, next: ins(0, 0, 0, 0, src === 1 ? 0 : off) })),
  fc.tuple(fc.constantFrom(1, 2, 4), s32).map(([b, imm]) => ins(0x20 | SIZE[b], 0, 0, 0, imm)),
  fc.tuple(fc.constantFrom(1, 2, 4), reg, s32).map(([b, s, imm]) => ins(0x40 | SIZE[b], 0, s, 0, imm)),
  fc.tuple(fc.constantFrom(1, 2, 4, 8), fc.boolean(), reg, reg, s16).map(([b, sx, d, s, off]) =>
    ins(0x01 | SIZE[b] | (sx && b !== 8 ? 0x80 : 0x60), d, s, off)),
  fc.tuple(fc.constantFrom(1, 2, 4, 8), reg, s16, s32).map(([b, d, off, imm]) => ins(0x62 | SIZE[b], d, 0, off, imm)),
  fc.tuple(fc.constantFrom(1, 2, 4, 8), reg, reg, s16).map(([b, d, s, off]) => ins(0x63 | SIZE[b], d, s, off)),
  fc.tuple(fc.constantFrom(4, 8), reg, reg, s16, fc.constantFrom(...ATOMICS)).map(([b, d, s, off, op]) => ins(0xc3 | SIZE[b], d, s, off, op)),
  s16.map((off) => ins(0x05, 0, 0, off)),
  s32.map((imm) => ins(0x06, 0, 0, 0, imm)),
  fc.tuple(fc.boolean(), fc.constantFrom(...JMP_OPS), fc.boolean(), reg, reg, s16, s32).map(([j32, op, x, d, s, off, imm]) =>
    ins((j32 ? 6 : 5) | JMP_OP_OF[op] | (x ? 8 : 0), d, x ? s : 0, off, x ? 0 : imm)),
  fc.tuple(fc.constantFrom(0, 1, 2), s32).map(([src, imm]) => ins(0x85, 0, src, 0, imm)),
  reg.map((d) => ins(0x8d, d)),
  fc.constant(ins(0x95)),
);

function roundTrip(bytes: Uint8Array, format: DisasmFormat): string[] | Uint8Array {
  const text = disassemble(bytes, format).join('\n');
  const r = assemble(text, { syntax: format === 'llvm' ? 'llvm' : 'ubpf' });
  if (!r.ok) return r.diagnostics.map((d) => `${d.line}: ${d.message} in «${text.split('\n')[d.line - 1]}»`);
  return r.program.bytes;
}

describe.each(['llvm', 'ubpf'] as const)('bytes → %s text → bytes', (format) => {
  test('is the identity for valid instructions of the whole ISA', () => {
    fc.assert(
      fc.property(fc.array(insn, { minLength: 1, maxLength: 20 }), (list) => {
        const bytes = encodeProgram(list);
        expect(slotsToHex(roundTrip(bytes, format) as Uint8Array)).toEqual(slotsToHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  test('is the identity for any bytes at all (odd encodings print as .raw)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 96 }).map((b) => b.slice(0, b.length & ~7)), (bytes) => {
        expect(slotsToHex(roundTrip(bytes, format) as Uint8Array)).toEqual(slotsToHex(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  test('valid instructions never print as .raw', () => {
    fc.assert(
      fc.property(insn, (i) => {
        expect(disassemble(encodeProgram([i]), format)[0]).not.toMatch(/^\.raw/);
      }),
      { numRuns: 2000 },
    );
  });
});

test('map references by name survive the round trip', () => {
  const src = '.map counts array key=4 value=8 entries=16\n.map h hash key=8 value=8 entries=4\nr1 = map[counts] ll\nlddw r2, map[h]\nexit';
  const a = assemble(src);
  if (!a.ok) throw new Error(JSON.stringify(a.diagnostics));
  for (const format of ['llvm', 'ubpf'] as const) {
    const lines = disassemble(a.program.bytes, format, { mapRefs: a.program.mapRefs });
    expect(lines[0]).toMatch(/map\[counts\]/);
    const b = assemble([...src.split('\n').slice(0, 2), ...lines].join('\n'));
    if (!b.ok) throw new Error(JSON.stringify(b.diagnostics));
    expect(b.program.bytes).toEqual(a.program.bytes);
    expect(b.program.mapRefs).toEqual(a.program.mapRefs);
  }
});

test('helper calls printed by name reassemble to their ids', () => {
  const bytes = encodeProgram(Array.from({ length: 40 }, (_, id) => ins(0x85, 0, 0, 0, id)));
  const lines = disassemble(bytes, 'llvm', { helperNames: true });
  expect(lines[1]).toBe('call bpf_map_lookup_elem');
  expect(lines[0]).toBe('call 0');
  expect(roundTrip(bytes, 'llvm')).toEqual(bytes);
  const r = assemble(lines.join('\n'), { syntax: 'llvm' });
  expect(r.ok && slotsToHex(r.program.bytes)).toEqual(slotsToHex(bytes));
});
