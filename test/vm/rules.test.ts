/**
 * One rule table for unverified programs (src/vm/rules.ts): the interpreter's decoding and
 * checkProgram refuse an instruction the interpreter cannot run with the same words, and only
 * checkProgram refuses what merely gives an instruction no meaning.
 */
import { describe, expect, test } from 'vitest';
import { checkProgram } from '../../src/vm';
import { OP_BAD, decodeCode } from '../../src/vm/code';
import { exit, ins, lddw, mov64, prog } from './build';

type Slot = Parameters<typeof prog>[0][number];

const opts = { hasHelper: (id: number) => id === 1 };

/** What decoding says of slot `pc` (undefined: it runs), and what checkProgram says first. */
function both(insns: Slot[], pc: number): { decode: string | undefined; check: string | undefined } {
  const bytes = prog(insns);
  const code = decodeCode(1, bytes);
  const found = checkProgram(bytes, opts).find((p) => p.pc === pc);
  return { decode: code.op[pc] === OP_BAD ? code.why.get(pc) : undefined, check: found?.message };
}

describe('rules the interpreter needs: decoding and checkProgram say the same', () => {
  test.each([
    ['an unknown opcode', [ins(0xf6), exit()], 0, 'unknown opcode 0xf6 (unknown jump operation)'],
    ['a destination above r10', [ins(0xb7, 11), exit()], 0, 'r11 is not a register (there are r0 to r10)'],
    ['a source above r10', [ins(0xbf, 0, 12), exit()], 0, 'r12 is not a register (there are r0 to r10)'],
    ['a write to r10', [ins(0x07, 10, 0, 0, 8), exit()], 0, 'r10, the frame pointer, is read-only'],
    ['a load into r10', [ins(0x79, 10, 1), exit()], 0, 'r10, the frame pointer, is read-only'],
    ['a fetching atomic into r10', [mov64(0, 0), ins(0xdb, 0, 10, 0, 0x01), exit()], 1, 'r10, the frame pointer, is read-only'],
    ['a byte swap of 8 bits', [mov64(0, 0), ins(0xdc, 0, 0, 0, 8), exit()], 1, 'a byte swap works on 16, 32 or 64 bits, not 8'],
    ['an 8-byte LD_ABS', [ins(0x38), exit()], 0, 'LD_ABS loads 1, 2 or 4 bytes, not 8'],
    ['a 2-byte atomic', [ins(0xcb, 10, 0, -8, 0), exit()], 0, 'atomic operations work on 4 or 8 bytes, not 2'],
    ['ld_imm64 of src_reg 2', [lddw(0, 5n, 2), exit()], 0, 'ld_imm64 with src_reg 2 is not supported (Linux 4.8 knows 0, a number, and 1, a map fd)'],
    ['a jump past the end', [ins(0x05, 0, 0, 5), exit()], 0, 'jump to instruction 6, outside the program (0 to 1)'],
    ['a jump to just past the end', [ins(0x15, 1, 0, 1), exit()], 0, 'jump to instruction 2, outside the program (0 to 1)'],
    ['a call outside the program', [ins(0x85, 0, 1, 0, -5), exit()], 0, 'call to instruction -4, outside the program (0 to 1)'],
    ['a kernel function call', [ins(0x85, 0, 2, 0, 1), exit()], 0, 'calls of kernel functions (src_reg 2) are not supported'],
  ] as [string, Slot[], number, string][])('%s', (_name, insns, pc, message) => {
    expect(both(insns, pc)).toEqual({ decode: message, check: message });
  });

  test('an ld_imm64 cut off by the end of the program', () => {
    const bytes = prog([mov64(0, 0), exit(), lddw(0, 1n)]).slice(0, 24);
    expect(decodeCode(1, bytes).why.get(2)).toBe('ld_imm64 takes two slots, but the program ends after its first');
    expect(checkProgram(bytes, opts)[0]).toEqual({ pc: 2, message: 'ld_imm64 takes two slots, but the program ends after its first' });
  });
});

describe('rules of meaning: only checkProgram refuses', () => {
  test.each([
    ['a used-up field', [ins(0xb7, 0, 3, 0, 1), exit()], 0, 'this instruction does not use src, which must be 0 (it is 3)'],
    ['neg with a source', [ins(0x8f, 0, 1), exit()], 0, 'neg has no source operand (use the immediate form)'],
    ['an unknown helper', [ins(0x85, 0, 0, 0, 77), exit()], 0, 'call to helper function 77, which does not exist here'],
    ['a map load without maps', [lddw(0, 3n, 1), exit()], 0, 'ld_imm64 with src_reg 1 loads a map, by its fd (3), but this run has no maps'],
    ['junk in ld_imm64\'s second slot', [{ ...lddw(0, 1n), next: ins(0, 1) } as Slot, exit()], 0, 'the second slot of ld_imm64 holds only the upper 32 bits of the value: its other fields must be 0'],
  ] as [string, Slot[], number, string][])('%s', (_name, insns, pc, message) => {
    expect(both(insns, pc)).toEqual({ decode: undefined, check: message });
  });

  test('a fetching cmpxchg may name r10 as its source: it writes r0', () => {
    expect(both([mov64(0, 0), ins(0xdb, 1, 10, 0, 0xf1), exit()], 1)).toEqual({ decode: undefined, check: undefined });
  });
});
