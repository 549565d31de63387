import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { decodeAt, decodeProgram, encodeInsn, hexToSlots, readRaw, slotsToHex, writeRaw, helperByName, HELPERS } from '../../src/isa';

const hex = (s: string) => hexToSlots([s]) as Uint8Array;

describe('decode', () => {
  test.each([
    ['b700000001000000', { kind: 'alu', op: 'mov', alu64: true, useSrc: false, dst: 0, imm: 1, later: false }],
    ['0f10000000000000', { kind: 'alu', op: 'add', alu64: true, useSrc: true, dst: 0, src: 1 }],
    ['0c10000000000000', { kind: 'alu', op: 'add', alu64: false, useSrc: true }],
    ['3f10010000000000', { kind: 'alu', op: 'sdiv', later: true }],
    ['bf10080000000000', { kind: 'alu', op: 'movsx', extendBits: 8, later: true }],
    ['dc00000010000000', { kind: 'end', order: 'be', bits: 16, later: false }],
    ['d700000040000000', { kind: 'end', order: 'bswap', bits: 64, later: true }],
    ['6112040000000000', { kind: 'ldx', bytes: 4, dst: 2, src: 1, off: 4, signExtend: false }],
    ['9110020000000000', { kind: 'ldx', bytes: 1, signExtend: true, later: true }],
    ['7a0af8ff05000000', { kind: 'st', bytes: 8, dst: 10, off: -8, imm: 5 }],
    ['7b1af8ff00000000', { kind: 'stx', bytes: 8, dst: 10, src: 1, off: -8 }],
    ['db21000000000000', { kind: 'atomic', aop: 'add', fetch: false, bytes: 8, later: false }],
    ['db210000f1000000', { kind: 'atomic', aop: 'cmpxchg', fetch: true, later: true }],
    ['300000000c000000', { kind: 'ld_abs', bytes: 1, imm: 12 }],
    ['4010000000000000', { kind: 'ld_ind', bytes: 4, src: 1 }],
    ['0500010000000000', { kind: 'ja', off: 1, long: false }],
    ['0600000001000000', { kind: 'ja', long: true, later: true }],
    ['1501030005000000', { kind: 'jcond', op: 'jeq', jmp32: false, useSrc: false, off: 3, imm: 5, later: false }],
    ['a501010005000000', { kind: 'jcond', op: 'jlt', later: true }],
    ['1601030005000000', { kind: 'jcond', op: 'jeq', jmp32: true, later: true }],
    ['8500000001000000', { kind: 'call', target: 'helper', imm: 1, later: false }],
    ['8510000002000000', { kind: 'call', target: 'local', later: true }],
    ['8d02000000000000', { kind: 'callx', dst: 2, later: true }],
    ['9500000000000000', { kind: 'exit' }],
    ['f400000000000000', { kind: 'invalid' }],
    ['0000000000000000', { kind: 'invalid' }],
  ])('%s', (h, want) => {
    expect(decodeAt(hex(h), 0)).toMatchObject(want);
  });

  test('ld_imm64 is one instruction of two slots with a 64-bit value', () => {
    const bytes = hexToSlots(['1801000088776655', '0000000044332211', '9500000000000000']) as Uint8Array;
    const { insns, pcs } = decodeProgram(bytes);
    expect(pcs).toEqual([0, 2]);
    expect(insns[0]).toMatchObject({ kind: 'ld_imm64', slots: 2, dst: 1, imm64: 0x1122334455667788n });
    expect(insns[1].kind).toBe('exit');
  });

  test('ld_imm64 in the last slot decodes as invalid', () => {
    expect(decodeAt(hex('1801000088776655'), 0).kind).toBe('invalid');
  });
});

test('raw fields round-trip through bytes for every value', () => {
  fc.assert(
    fc.property(
      fc.record({
        code: fc.integer({ min: 0, max: 255 }),
        dst: fc.integer({ min: 0, max: 15 }),
        src: fc.integer({ min: 0, max: 15 }),
        off: fc.integer({ min: -32768, max: 32767 }),
        imm: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      }),
      (r) => {
        const b = new Uint8Array(8);
        writeRaw(b, 0, r);
        expect(readRaw(b, 0)).toEqual(r);
        expect(encodeInsn(decodeAt(b, 0))).toEqual(b);
      },
    ),
  );
});

test('hex slots parse and print in memory order, and bad hex is an error', () => {
  const bytes = hexToSlots(['b700000007000000']) as Uint8Array;
  expect(Array.from(bytes)).toEqual([0xb7, 0, 0, 0, 7, 0, 0, 0]);
  expect(slotsToHex(bytes)).toEqual(['b700000007000000']);
  expect(typeof hexToSlots(['b70000000700000'])).toBe('string');
  expect(typeof hexToSlots([42])).toBe('string');
});

test('the helper table has the 35 helpers of the seed in id order', () => {
  const seed = HELPERS.filter((h) => h.id > 0 && !h.notInSeed);
  expect(seed).toHaveLength(35);
  HELPERS.forEach((h, i) => expect(h.id).toBe(i));
  expect(helperByName('bpf_map_lookup_elem')?.id).toBe(1);
  expect(helperByName('get_current_task')?.id).toBe(35);
});
