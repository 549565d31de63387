/**
 * Instructions beyond Linux 4.8 (isa's `later`) are refused exactly as 4.8 refuses those
 * encodings: 4.8 reads them as its own opcodes with reserved fields set, unknown jump ops or
 * the unknown class 6. One program each: `r0 = 0`, the instruction, `exit`.
 */
import { expect, test } from 'vitest';
import { decodeRaw, errnoName, type RawInsn } from '../../src/isa';
import { verify } from '../../src/verifier';
import * as B from './build';
import { request } from './support';

const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });

const CASES: [name: string, insn: RawInsn, errno: string, message: string][] = [
  ['jlt K', I(0xa5, 0, 0, 0, 1), 'EINVAL', 'invalid BPF_JMP opcode a0'],
  ['jlt X', I(0xad, 0, 0), 'EINVAL', 'invalid BPF_JMP opcode a0'],
  ['jle K', I(0xb5, 0, 0, 0, 1), 'EINVAL', 'invalid BPF_JMP opcode b0'],
  ['jslt X', I(0xcd, 0, 0), 'EINVAL', 'invalid BPF_JMP opcode c0'],
  ['jsle K', I(0xd5, 0, 0, 0, 1), 'EINVAL', 'invalid BPF_JMP opcode d0'],
  ['jmp32 jeq K', I(0x16, 0, 0, 0, 1), 'EINVAL', 'unknown insn class 6'],
  ['jmp32 jgt X', I(0x2e, 0, 0), 'EINVAL', 'unknown insn class 6'],
  ['jmp32 jlt K', I(0xa6, 0, 0, 0, 1), 'EINVAL', 'unknown insn class 6'],
  ['gotol (ja32)', I(0x06, 0, 0, 0, 0), 'EINVAL', 'unknown insn class 6'],
  ['sdiv64 K', I(0x37, 0, 0, 1, 3), 'EINVAL', 'BPF_ALU uses reserved fields'],
  ['smod32 X', I(0x9c, 0, 0, 1), 'EINVAL', 'BPF_ALU uses reserved fields'],
  ['movsx64 8', I(0xbf, 0, 1, 8), 'EINVAL', 'BPF_MOV uses reserved fields'],
  ['movsx32 16', I(0xbc, 0, 1, 16), 'EINVAL', 'BPF_MOV uses reserved fields'],
  ['ldsx u8', I(0x91, 0, 10, -8), 'EINVAL', 'BPF_LDX uses reserved fields'],
  ['ldsx u32', I(0x81, 0, 10, -8), 'EINVAL', 'BPF_LDX uses reserved fields'],
  ['atomic or', I(0xdb, 10, 0, -8, 0x40), 'EINVAL', 'BPF_STX uses reserved fields'],
  ['atomic fetch add', I(0xc3, 10, 0, -8, 0x01), 'EINVAL', 'BPF_STX uses reserved fields'],
  ['atomic xchg', I(0xdb, 10, 0, -8, 0xe1), 'EINVAL', 'BPF_STX uses reserved fields'],
  ['atomic cmpxchg', I(0xdb, 10, 0, -8, 0xf1), 'EINVAL', 'BPF_STX uses reserved fields'],
  ['bpf-to-bpf call', I(0x85, 0, 1, 0, 1), 'EINVAL', 'BPF_CALL uses reserved fields'],
  ['kfunc call', I(0x85, 0, 2, 0, 1), 'EINVAL', 'BPF_CALL uses reserved fields'],
  ['callx', I(0x8d, 1, 0), 'EINVAL', 'BPF_CALL uses reserved fields'],
];

test.each(CASES)('%s', (_name, insn, errno, message) => {
  expect(decodeRaw(insn).later).toBe(true);
  const bytes = B.prog(B.mov64Imm(0, 0), [insn], B.exit());
  const v = verify(request(bytes), { analysis: false });
  expect(errnoName(v.errno)).toBe(errno);
  expect(v.log.trimEnd().split('\n').pop()).toBe(message);
});

test.each([2, 3, 4, 5, 6])('ld_imm64 with src_reg %i is unrecognized', (src) => {
  const insn = I(0x18, 0, src, 0, 0);
  expect(decodeRaw(insn, I(0)).later).toBe(true);
  const v = verify(request(B.prog([insn, I(0)], B.exit())), { analysis: false });
  expect(errnoName(v.errno)).toBe('EINVAL');
  expect(v.log).toBe('unrecognized bpf_ld_imm64 insn\n');
});

test('the 64-bit byte swap (class ALU64 END) passes 4.8 verifier, as on a real 4.8 kernel', () => {
  const insn = I(0xd7, 0, 0, 0, 64);
  expect(decodeRaw(insn).later).toBe(true);
  const v = verify(request(B.prog(B.mov64Imm(0, 1), [insn], B.exit())), { analysis: false });
  expect(v.ok).toBe(true);
  expect(v.log).toBe('0: (b7) r0 = 1\n1: (d7) r0 endian 64\n2: (95) exit\nprocessed 3 insns\n');
});
