/** checkProgram: what an unverified program must not contain, one row per problem, and what passes. */
import { describe, expect, test } from 'vitest';
import { checkProgram } from '../../src/vm';
import { call, exit, ins, lddw, mov64, movReg, prog } from './build';

const opts = { hasHelper: (id: number) => id === 1 };
const problems = (insns: Parameters<typeof prog>[0], o: Partial<Parameters<typeof checkProgram>[1]> = {}) =>
  checkProgram(prog(insns), { ...opts, ...o });

describe('checkProgram refuses', () => {
  test.each([
    ['an unknown opcode', [ins(0x06 | 0xf0), exit()], 0, /^unknown opcode 0xf6/],
    ['a register above r10', [ins(0xb7, 11), exit()], 0, /r11 is not a register/],
    ['a source register above r10', [ins(0xbf, 0, 12), exit()], 0, /r12 is not a register/],
    ['a write to r10', [ins(0x07, 10, 0, 0, 8), exit()], 0, /r10, the frame pointer, is read-only/],
    ['a load into r10', [ins(0x79, 10, 10, -8), exit()], 0, /read-only/],
    ['a reserved field set (add64 imm with off)', [ins(0x07, 0, 0, 3, 1), exit()], 0, /does not use off, which must be 0 \(it is 3\)/],
    ['a reserved field set (add reg with imm)', [mov64(0, 0), ins(0x0f, 0, 1, 0, 5), exit()], 1, /does not use imm/],
    ['a reserved field set (exit with off)', [mov64(0, 0), ins(0x95, 0, 0, 1)], 1, /does not use off/],
    ['neg with a source register', [mov64(0, 0), ins(0x8f, 0, 1), exit()], 1, /neg has no source operand/],
    ['a byte swap of 8 bits', [mov64(0, 0), ins(0xdc, 0, 0, 0, 8), exit()], 1, /16, 32 or 64 bits, not 8/],
    ['ld_imm64 without its second half', [mov64(0, 0), exit(), ins(0x18)], 2, /takes two slots/],
    ['a bad ld_imm64 second half', [{ ...lddw(0, 1n), next: ins(0, 1) }, exit()], 0, /second slot of ld_imm64/],
    ['ld_imm64 of a map with no maps', [lddw(0, 5n, 1), exit()], 0, /this run has no maps/],
    ['ld_imm64 of src_reg 2', [lddw(0, 5n, 2), exit()], 0, /src_reg 2 is not supported/],
    ['an 8-byte LD_ABS', [ins(0x38), exit()], 0, /not 8/],
    ['an unknown helper', [call(2), exit()], 0, /call to helper function 2, which does not exist here/],
    ['a helper call with src_reg 3', [ins(0x85, 0, 3, 0, 1), exit()], 0, /does not use src/],
    ['a jump out of the program', [ins(0x15, 1, 0, 5), mov64(0, 0), exit()], 0, /jump to instruction 6, outside the program \(0 to 2\)/],
    ['a jump before the start', [mov64(0, 0), ins(0x05, 0, 0, -3), exit()], 1, /instruction -1/],
    ['a jump into an ld_imm64', [ins(0x05, 0, 0, 1), lddw(0, 1n), exit()], 0, /the second half of the ld_imm64 at 1/],
    ['a jump to itself', [ins(0x05, 0, 0, -1), exit()], 0, /goes to itself/],
    ['a program that runs off its end', [mov64(0, 1)], 0, /not exit or ja/],
    ['a function that runs off its end', [mov64(0, 0), ins(0x85, 0, 1, 0, 0), mov64(0, 2), exit()], 1, /the main function ends with an instruction that is not exit/],
    ['a read of r0 before any write', [ins(0x4f, 0, 10), exit()], 0, /reads r0, which may hold no value here/],
    ['a read of r2 without init', [movReg(0, 2), exit()], 0, /reads r2/],
    ['a read of r1 after a helper call', [call(1), movReg(0, 1), exit()], 1, /reads r1/],
    ['a read of r0 that one path did not set', [ins(0x15, 1, 0, 1), mov64(0, 0), ins(0x07, 0, 0, 0, 1), exit()], 2, /reads r0/],
  ] as const)('%s', (_n, insns, pc, message) => {
    const got = problems([...insns]);
    expect(got.length).toBeGreaterThan(0);
    expect(got[0].pc).toBe(pc);
    expect(got[0].message).toMatch(message);
  });

  test('a size that is not a multiple of 8, an empty program, too many instructions', () => {
    expect(checkProgram(new Uint8Array(12), opts)[0].message).toMatch(/12 bytes long/);
    expect(checkProgram(new Uint8Array(0), opts)[0].message).toMatch(/empty/);
    expect(checkProgram(new Uint8Array(8 * 4096), opts)[0].message).toMatch(/4096 instructions; at most 4095/);
  });
});

describe('checkProgram accepts', () => {
  test.each([
    ['mov and exit', [mov64(0, 1), exit()]],
    ['r1 as the context', [movReg(0, 1), exit()]],
    ['a map load when the fd is a map', [lddw(0, 3n, 1), exit()], { isMapFd: (fd) => fd === 3 }],
    ['the later ISA (sdiv, movsx, jmp32, atomics, ja32)', [mov64(0, 8), ins(0x37, 0, 0, 1, -2), ins(0xbf, 0, 0, 8), ins(0x16, 0, 0, 1, 3), ins(0x06, 0, 0, 0, 0), ins(0xdb, 10, 0, -8, 0xf1), exit()]],
    ['a function reading r6 of its caller', [mov64(6, 1), ins(0x85, 0, 1, 0, 1), exit(), movReg(0, 6), exit()]],
    ['r0 set on every path', [ins(0x15, 1, 0, 2), mov64(0, 0), ins(0x05, 0, 0, 1), mov64(0, 1), ins(0x07, 0, 0, 0, 1), exit()]],
    ['an exit that returns an r0 never set (it returns 0)', [ins(0x72, 10, 0, -1, 0), exit()]],
    ['a loop (the run budget deals with it)', [mov64(0, 0), ins(0x07, 0, 0, 0, 1), ins(0x05, 0, 0, -2), exit()]],
  ] as [string, Parameters<typeof prog>[0], { isMapFd?: (fd: number) => boolean }?][])('%s', (_n, insns, o = {}) => {
    expect(problems([...insns], o)).toEqual([]);
  });
});
