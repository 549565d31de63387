/**
 * Every message of FACTS.md §19 that a program can reach, one program each, loaded privileged
 * and unprivileged: the errno and the log's last line (the message). Programs of types other
 * than socket filter are refused unprivileged with EPERM and an empty log before the verifier.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { dataPath } from '../support/data';
import { errnoName, MapType, ProgType } from '../../src/isa';
import type { BpfMap } from '../../src/kernel/types';
import { verify } from '../../src/verifier';
import { MESSAGES, type MessageId } from '../../src/verifier/messages';
import * as B from './build';
import { fakeMap, HASH_FD, PROG_ARRAY_FD, request, resolveSuiteFd } from './support';

const { AluOp, JmpOp } = B;
type Want = [errno: string, message: string];

interface Case {
  message: string;
  bytes: Uint8Array;
  priv: Want;
  /** defaults: the same as priv for socket filters, EPERM with no log for other types */
  unpriv?: Want;
  progType?: number;
  license?: string;
  resolveMapFd?: (fd: number) => BpfMap | 'EBADF' | 'EINVAL';
}

const r0exit = [B.mov64Imm(0, 0), B.exit()];
/** key on the stack at fp-8, r2 = fp-8, r1 = the hash map, lookup, null check (r0 = map value after) */
const lookup = [B.st(8, 10, -8, 0), B.mov64Reg(2, 10), B.alu64Imm(AluOp.ADD, 2, -8), B.ldMapFd(1, HASH_FD), B.call(1)];
const lookupChecked = [...lookup, B.jmpImm(JmpOp.JNE, 0, 0, 1), B.exit()];
/** r2 = skb->data, r3 = skb->data_end (tc programs) */
const pkt = [B.ldx(4, 2, 1, 76), B.ldx(4, 3, 1, 80)];
const cls = ProgType.SchedCls;

/** 65 distinct maps behind fds 10..74 */
const manyMaps = Array.from({ length: 65 }, (_, i) => fakeMap(MapType.Hash, 8, 8, 1, 0xffff880040000000n + BigInt(i) * 0x100n, 10 + i));
const manyFds = (fd: number) => (fd >= 10 && fd < 75 ? manyMaps[fd - 10] : resolveSuiteFd(fd));

/** 64 ways through 6 branches, each with its own constant, then a long straight line: > 65536 visits */
function tooLarge(): Uint8Array {
  const parts = [B.ldx(4, 6, 1, 0), B.mov64Imm(7, 0)];
  for (let i = 0; i < 6; i++) parts.push(B.jmpImm(JmpOp.JEQ, 6, i, 1), B.alu64Imm(AluOp.ADD, 7, 1), B.alu64Reg(AluOp.ADD, 7, 7));
  for (let i = 0; i < 1100; i++) parts.push(B.mov64Imm(0, i));
  return B.prog(...parts, B.exit());
}
/** the unprivileged variant: the paths differ in the stack bytes they wrote */
function tooLargeUnpriv(): Uint8Array {
  const parts = [B.ldx(4, 6, 1, 0)];
  for (let i = 0; i < 6; i++) parts.push(B.jmpImm(JmpOp.JEQ, 6, i, 1), B.st(1, 10, -1 - i, 0));
  for (let i = 0; i < 1100; i++) parts.push(B.mov64Imm(0, i));
  return B.prog(...parts, B.exit());
}
/** 1025 jumps whose taken sides all wait while the fall-through goes on */
function tooComplex(): Uint8Array {
  const parts = [B.ldx(4, 6, 1, 0)];
  for (let i = 0; i < 1025; i++) parts.push(B.jmpImm(JmpOp.JEQ, 6, i, 0));
  return B.prog(...parts, ...r0exit);
}

const CASES: Case[] = [
  // pre-scan
  { message: 'BPF_LDX uses reserved fields', bytes: B.prog(B.raw(0x01), ...r0exit), priv: ['EINVAL', 'BPF_LDX uses reserved fields'] },
  { message: 'BPF_STX uses reserved fields', bytes: B.prog(B.raw(0x7b, 10, 1, -8, 1), ...r0exit), priv: ['EINVAL', 'BPF_STX uses reserved fields'] },
  { message: 'invalid bpf_ld_imm64 insn', bytes: B.prog(...r0exit, B.raw(0x18)), priv: ['EINVAL', 'invalid bpf_ld_imm64 insn'] },
  { message: 'unrecognized bpf_ld_imm64 insn', bytes: B.prog(B.raw(0x18, 1, 2), B.raw(0), ...r0exit), priv: ['EINVAL', 'unrecognized bpf_ld_imm64 insn'] },
  { message: 'fd %d is not pointing to valid bpf_map (EBADF)', bytes: B.prog(B.ldMapFd(1, 99), ...r0exit), priv: ['EBADF', 'fd 99 is not pointing to valid bpf_map'] },
  { message: 'fd %d is not pointing to valid bpf_map (EINVAL)', bytes: B.prog(B.ldMapFd(1, 1), ...r0exit), priv: ['EINVAL', 'fd 1 is not pointing to valid bpf_map'] },
  {
    message: '(none) E2BIG: more than 64 maps',
    bytes: B.prog(...manyMaps.map((_, i) => B.ldMapFd(1, 10 + i)), ...r0exit),
    resolveMapFd: manyFds,
    priv: ['E2BIG', ''],
  },
  // CFG
  { message: 'jump out of range from insn %d to %d', bytes: B.prog(B.ja(5), ...r0exit), priv: ['EINVAL', 'jump out of range from insn 0 to 6'] },
  { message: 'back-edge from insn %d to %d', bytes: B.prog(B.mov64Imm(0, 0), B.ja(-2), B.exit()), priv: ['EINVAL', 'back-edge from insn 1 to 0'] },
  { message: 'unreachable insn %d', bytes: B.prog(...r0exit, B.exit()), priv: ['EINVAL', 'unreachable insn 2'] },
  { message: '(none) EINVAL: ja with the X bit', bytes: B.prog(B.raw(0x0d), ...r0exit), priv: ['EINVAL', ''] },
  // limits
  {
    message: 'BPF program is too large. Proccessed %d insn',
    bytes: tooLarge(),
    priv: ['E2BIG', 'BPF program is too large. Proccessed 65537 insn'],
    unpriv: ['OK', 'processed 1127 insns'],
  },
  { message: 'BPF program is too large (unprivileged paths)', bytes: tooLargeUnpriv(), priv: ['E2BIG', 'BPF program is too large. Proccessed 65537 insn'] },
  { message: 'BPF program is too complex', bytes: tooComplex(), priv: ['EFAULT', 'BPF program is too complex'] },
  // registers
  { message: 'R%d is invalid', bytes: B.prog(B.mov64Reg(0, 11), B.exit()), priv: ['EINVAL', 'R11 is invalid'] },
  { message: 'R%d !read_ok', bytes: B.prog(B.mov64Reg(0, 2), B.exit()), priv: ['EACCES', 'R2 !read_ok'] },
  { message: 'frame pointer is read only', bytes: B.prog(B.mov64Imm(10, 0), ...r0exit), priv: ['EACCES', 'frame pointer is read only'] },
  // ALU
  { message: 'BPF_NEG uses reserved fields', bytes: B.prog(B.mov64Imm(0, 1), B.raw(0x87, 0, 0, 0, 1), B.exit()), priv: ['EINVAL', 'BPF_NEG uses reserved fields'] },
  { message: 'BPF_END uses reserved fields', bytes: B.prog(B.mov64Imm(0, 1), B.raw(0xd4, 0, 0, 0, 8), B.exit()), priv: ['EINVAL', 'BPF_END uses reserved fields'] },
  { message: 'BPF_MOV uses reserved fields', bytes: B.prog(B.raw(0xbf, 0, 1, 0, 1), B.exit()), priv: ['EINVAL', 'BPF_MOV uses reserved fields'] },
  { message: 'BPF_ALU uses reserved fields', bytes: B.prog(B.mov64Imm(0, 1), B.raw(0x0f, 0, 0, 1, 0), B.exit()), priv: ['EINVAL', 'BPF_ALU uses reserved fields'] },
  { message: 'invalid BPF_ALU opcode %x', bytes: B.prog(B.mov64Imm(0, 1), B.raw(0xe7, 0, 0, 0, 1), B.exit()), priv: ['EINVAL', 'invalid BPF_ALU opcode e0'] },
  { message: 'div by zero', bytes: B.prog(B.mov64Imm(0, 1), B.alu32Imm(AluOp.DIV, 0, 0), B.exit()), priv: ['EINVAL', 'div by zero'] },
  { message: 'invalid shift %d', bytes: B.prog(B.mov64Imm(0, 1), B.alu64Imm(AluOp.LSH, 0, 64), B.exit()), priv: ['EINVAL', 'invalid shift 64'] },
  {
    message: 'R%d pointer arithmetic prohibited',
    bytes: B.prog(B.mov64Reg(2, 10), B.alu64Imm(AluOp.SUB, 2, 8), ...r0exit),
    priv: ['OK', 'processed 4 insns'],
    unpriv: ['EACCES', 'R2 pointer arithmetic prohibited'],
  },
  {
    message: 'R%d partial copy of pointer',
    bytes: B.prog(B.alu32Reg(AluOp.MOV, 0, 1), B.exit()),
    priv: ['OK', 'processed 2 insns'],
    unpriv: ['EACCES', 'R1 partial copy of pointer'],
  },
  // packet pointers
  { message: 'addition of negative constant to packet pointer is not allowed', progType: cls, bytes: B.prog(...pkt, B.alu64Imm(AluOp.ADD, 2, 0), ...r0exit), priv: ['EACCES', 'addition of negative constant to packet pointer is not allowed'] },
  { message: 'constant %d is too large to add to packet pointer', progType: cls, bytes: B.prog(...pkt, B.alu64Imm(AluOp.ADD, 2, 0xffff), ...r0exit), priv: ['EACCES', 'constant 65535 is too large to add to packet pointer'] },
  { message: "cannot add '%s' to ptr_to_packet", progType: cls, bytes: B.prog(...pkt, B.alu64Reg(AluOp.ADD, 2, 3), ...r0exit), priv: ['EACCES', "cannot add 'pkt_end' to ptr_to_packet"] },
  {
    message: 'cannot add integer value with %lld upper zero bits to ptr_to_packet',
    progType: cls,
    bytes: B.prog(...pkt, B.st(8, 10, -8, 0), B.ldx(2, 4, 10, -8), B.alu64Imm(AluOp.LSH, 4, 9), B.alu64Reg(AluOp.ADD, 2, 4), ...r0exit),
    priv: ['EACCES', 'cannot add integer value with 39 upper zero bits to ptr_to_packet'],
  },
  // memory
  { message: 'misaligned access off %d size %d', bytes: B.prog(B.ldx(4, 0, 1, 2), B.exit()), priv: ['EACCES', 'misaligned access off 2 size 4'] },
  {
    message: 'invalid access to map value, value_size=%d off=%d size=%d',
    bytes: B.prog(...lookupChecked, B.ldx(8, 0, 0, 8), B.exit()),
    priv: ['EACCES', 'invalid access to map value, value_size=8 off=8 size=8'],
  },
  {
    message: 'invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)',
    progType: cls,
    bytes: B.prog(...pkt, B.mov64Reg(0, 2), B.alu64Imm(AluOp.ADD, 0, 4), B.jmpReg(JmpOp.JGT, 0, 3, 1), B.ldx(4, 0, 2, 2), ...r0exit),
    priv: ['EACCES', 'invalid access to packet, off=2 size=4, R2(id=0,off=0,r=4)'],
  },
  { message: 'invalid bpf_context access off=%d size=%d', bytes: B.prog(B.ldx(4, 0, 1, 76), B.exit()), priv: ['EACCES', 'invalid bpf_context access off=76 size=4'] },
  { message: 'invalid stack off=%d size=%d', bytes: B.prog(B.st(8, 10, -520, 0), ...r0exit), priv: ['EACCES', 'invalid stack off=-520 size=8'] },
  {
    message: 'attempt to corrupt spilled pointer on stack',
    bytes: B.prog(B.stx(8, 10, 1, -8), B.st(4, 10, -4, 0), ...r0exit),
    priv: ['OK', 'processed 4 insns'],
    unpriv: ['EACCES', 'attempt to corrupt spilled pointer on stack'],
  },
  { message: 'invalid size of register spill', bytes: B.prog(B.stx(4, 10, 1, -8), ...r0exit), priv: ['EACCES', 'invalid size of register spill'] },
  {
    message: 'corrupted spill memory',
    bytes: B.prog(B.stx(8, 10, 1, -8), B.st(4, 10, -4, 0), B.ldx(8, 0, 10, -8), B.exit()),
    priv: ['EACCES', 'corrupted spill memory'],
    unpriv: ['EACCES', 'attempt to corrupt spilled pointer on stack'],
  },
  { message: 'invalid read from stack off %d+%d size %d', bytes: B.prog(B.st(4, 10, -8, 0), B.ldx(8, 0, 10, -8), B.exit()), priv: ['EACCES', 'invalid read from stack off -8+4 size 8'] },
  { message: 'cannot write into packet', progType: cls, bytes: B.prog(...pkt, B.mov64Reg(0, 2), B.alu64Imm(AluOp.ADD, 0, 1), B.jmpReg(JmpOp.JGT, 0, 3, 1), B.st(1, 2, 0, 7), ...r0exit), priv: ['EACCES', 'cannot write into packet'] },
  {
    message: 'R%d leaks addr into map',
    bytes: B.prog(...lookupChecked, B.stx(8, 0, 10, 0), ...r0exit),
    priv: ['OK', 'processed 10 insns'],
    unpriv: ['EACCES', 'R10 leaks addr into map'],
  },
  {
    message: 'R%d leaks addr into ctx',
    bytes: B.prog(B.stx(4, 1, 10, 48), ...r0exit),
    priv: ['OK', 'processed 3 insns'],
    unpriv: ['EACCES', 'R10 leaks addr into ctx'],
  },
  {
    message: 'R%d leaks addr into packet (XDP only, which needs privilege)',
    progType: ProgType.Xdp,
    bytes: B.prog(B.ldx(4, 2, 1, 0), B.ldx(4, 3, 1, 4), B.mov64Reg(0, 2), B.alu64Imm(AluOp.ADD, 0, 8), B.jmpReg(JmpOp.JGT, 0, 3, 1), B.stx(8, 2, 10, 0), ...r0exit),
    priv: ['OK', 'processed 10 insns'],
  },
  {
    message: 'R%d leaks addr into helper function',
    bytes: B.prog(B.st(8, 10, -8, 0), B.mov64Reg(2, 10), B.alu64Imm(AluOp.ADD, 2, -8), B.mov64Reg(3, 2), B.mov64Reg(4, 10), B.ldMapFd(1, HASH_FD), B.call(2), ...r0exit),
    priv: ['OK', 'processed 9 insns'],
    unpriv: ['EACCES', 'R4 leaks addr into helper function'],
  },
  {
    message: 'R0 leaks addr as return value',
    bytes: B.prog(B.mov64Reg(0, 10), B.exit()),
    priv: ['OK', 'processed 2 insns'],
    unpriv: ['EACCES', 'R0 leaks addr as return value'],
  },
  { message: "R%d invalid mem access '%s'", bytes: B.prog(B.mov64Imm(2, 0), B.ldx(8, 0, 2, 0), B.exit()), priv: ['EACCES', "R2 invalid mem access 'imm'"] },
  {
    message: 'same insn cannot be used with different pointers',
    bytes: B.prog(B.ldx(4, 7, 1, 0), B.mov64Reg(2, 10), B.alu64Imm(AluOp.ADD, 2, -8), B.st(4, 2, 0, 0), B.jmpImm(JmpOp.JGT, 7, 3, 1), B.mov64Reg(2, 1), B.ldx(4, 0, 2, 0), B.exit()),
    priv: ['EINVAL', 'same insn cannot be used with different pointers'],
  },
  { message: 'BPF_XADD uses reserved fields', bytes: B.prog(B.st(8, 10, -8, 0), B.mov64Imm(1, 1), B.xadd(1, 10, 1, -8), ...r0exit), priv: ['EINVAL', 'BPF_XADD uses reserved fields'] },
  { message: 'BPF_ST uses reserved fields', bytes: B.prog(B.raw(0x7a, 10, 1, -8, 0), ...r0exit), priv: ['EINVAL', 'BPF_ST uses reserved fields'] },
  // jumps and calls
  { message: 'BPF_CALL uses reserved fields', bytes: B.prog(B.raw(0x85, 0, 1, 0, 1), ...r0exit), priv: ['EINVAL', 'BPF_CALL uses reserved fields'] },
  { message: 'BPF_JA uses reserved fields', bytes: B.prog(B.raw(0x05, 0, 0, 0, 1), ...r0exit), priv: ['EINVAL', 'BPF_JA uses reserved fields'] },
  { message: 'BPF_EXIT uses reserved fields', bytes: B.prog(B.mov64Imm(0, 0), B.raw(0x95, 0, 0, 0, 1)), priv: ['EINVAL', 'BPF_EXIT uses reserved fields'] },
  { message: 'BPF_JMP uses reserved fields', bytes: B.prog(B.mov64Imm(0, 0), B.raw(0x15, 0, 1, 0, 0), B.exit()), priv: ['EINVAL', 'BPF_JMP uses reserved fields'] },
  { message: 'invalid BPF_JMP opcode %x', bytes: B.prog(B.mov64Imm(0, 0), B.jmpImm(0xa0, 0, 1, 0), B.exit()), priv: ['EINVAL', 'invalid BPF_JMP opcode a0'] },
  {
    message: 'R%d pointer comparison prohibited',
    bytes: B.prog(B.mov64Imm(0, 0), B.jmpReg(JmpOp.JEQ, 0, 10, 0), B.exit()),
    priv: ['OK', 'processed 4 insns'],
    unpriv: ['EACCES', 'R10 pointer comparison prohibited'],
  },
  // LD
  { message: 'invalid BPF_LD_IMM insn', bytes: B.prog(B.raw(0x00), ...r0exit), priv: ['EINVAL', 'invalid BPF_LD_IMM insn'] },
  { message: 'BPF_LD_IMM64 uses reserved fields', bytes: B.prog(B.raw(0x18, 0, 0, 1, 0), B.raw(0), B.exit()), priv: ['EINVAL', 'BPF_LD_IMM64 uses reserved fields'] },
  { message: 'invalid BPF_LD mode', bytes: B.prog(B.raw(0x60), ...r0exit), priv: ['EINVAL', 'invalid BPF_LD mode'] },
  { message: 'unknown insn class %d', bytes: B.prog(B.raw(0x06), ...r0exit), priv: ['EINVAL', 'unknown insn class 6'] },
  {
    message: 'BPF_LD_[ABS|IND] instructions not allowed for this program type',
    progType: ProgType.Xdp,
    bytes: B.prog(B.mov64Reg(6, 1), B.ldAbs(1, 0), B.exit()),
    priv: ['EINVAL', 'BPF_LD_[ABS|IND] instructions not allowed for this program type'],
  },
  { message: 'BPF_LD_[ABS|IND] uses reserved fields', bytes: B.prog(B.mov64Reg(6, 1), B.ldAbs(8, 0), B.exit()), priv: ['EINVAL', 'BPF_LD_[ABS|IND] uses reserved fields'] },
  { message: 'at the time of BPF_LD_ABS|IND R6 != pointer to skb', bytes: B.prog(B.mov64Imm(6, 0), B.ldInd(4, 6, 0), B.exit()), priv: ['EINVAL', 'at the time of BPF_LD_ABS|IND R6 != pointer to skb'] },
  // helpers
  { message: 'invalid func %d', bytes: B.prog(B.call(37), ...r0exit), priv: ['EINVAL', 'invalid func 37'] },
  { message: 'unknown func %d', bytes: B.prog(B.call(26), ...r0exit), priv: ['EINVAL', 'unknown func 26'] },
  { message: 'unknown func %d (trace_printk unprivileged)', bytes: B.prog(B.st(8, 10, -8, 0), B.mov64Reg(1, 10), B.alu64Imm(AluOp.ADD, 1, -8), B.mov64Imm(2, 8), B.call(6), ...r0exit), priv: ['OK', 'processed 7 insns'], unpriv: ['EINVAL', 'unknown func 6'] },
  { message: 'cannot call GPL only function from proprietary program', license: 'MIT', bytes: B.prog(B.call(5), B.exit()), priv: ['EINVAL', 'cannot call GPL only function from proprietary program'] },
  { message: 'R%d type=%s expected=%s', bytes: B.prog(B.mov64Reg(2, 10), B.ldMapFd(1, HASH_FD), B.call(1), ...r0exit), priv: ['EACCES', 'R2 type=fp expected=fp'] },
  {
    message: 'invalid stack type R%d off=%d access_size=%d',
    progType: cls,
    bytes: B.prog(B.mov64Imm(2, 0), B.mov64Reg(3, 10), B.alu64Imm(AluOp.ADD, 3, -4), B.mov64Imm(4, 8), B.call(26), ...r0exit),
    priv: ['EACCES', 'invalid stack type R3 off=-4 access_size=8'],
  },
  {
    message: 'invalid indirect read from stack off %d+%d size %d',
    bytes: B.prog(B.st(4, 10, -8, 0), B.mov64Reg(2, 10), B.alu64Imm(AluOp.ADD, 2, -8), B.ldMapFd(1, HASH_FD), B.call(1), ...r0exit),
    priv: ['EACCES', 'invalid indirect read from stack off -8+4 size 8'],
  },
  {
    message: 'cannot pass map_type %d into func %d',
    bytes: B.prog(B.ldMapFd(2, HASH_FD), B.mov64Imm(3, 0), B.call(12), ...r0exit),
    priv: ['EINVAL', 'cannot pass map_type 1 into func 12'],
  },
  {
    message: 'cannot pass map_type %d into func %d (prog array to lookup)',
    bytes: B.prog(B.st(8, 10, -8, 0), B.mov64Reg(2, 10), B.alu64Imm(AluOp.ADD, 2, -4), B.ldMapFd(1, PROG_ARRAY_FD), B.call(1), ...r0exit),
    priv: ['EINVAL', 'cannot pass map_type 3 into func 1'],
  },
];

describe.each([
  ['priv', true],
  ['unpriv', false],
] as const)('every reachable message, %s', (mode, privileged) => {
  test.each(CASES.map((c) => [c.message, c] as const))('%s', (_m, c) => {
    const progType = c.progType ?? ProgType.SocketFilter;
    let want: Want = c.priv;
    if (mode === 'unpriv') want = c.unpriv ?? (progType === ProgType.SocketFilter ? c.priv : ['EPERM', '']);
    const v = verify(
      request(c.bytes, { progType, privileged, license: c.license ?? 'GPL', logSize: (1 << 24) - 1, resolveMapFd: c.resolveMapFd ?? resolveSuiteFd }),
      { analysis: false },
    );
    expect(v.ok ? 'OK' : errnoName(v.errno)).toBe(want[0]);
    const lines = v.log.split('\n');
    expect(lines[lines.length - 1]).toBe('');
    expect(lines.length >= 2 ? lines[lines.length - 2] : '').toBe(want[1]);
  });
});

/**
 * The message table (src/verifier/messages.ts) is exactly what the verifier prints: each case's
 * refusal carries the id whose format is the case's FACTS §19 format, and its text is the log's
 * last line; and every message of the table is reached by some case or syscall check here, but
 * the ones that cannot be (listed, with the reason).
 */
describe('the message table', () => {
  const UNREACHED: Partial<Record<MessageId, string>> = {
    insns_not_copied: "the kernel's copy from user space (kernel/sys.ts); the verifier is handed the bytes",
    insn_idx_invalid: 'internal to 4.8: the CFG check leaves no path off the end',
    leak_into_packet: 'only XDP may write packets, and XDP needs CAP_SYS_ADMIN, which lets pointers leak',
    map_ptr_for_key: 'internal to 4.8: the map argument comes first in every 4.8 prototype',
    map_ptr_for_value: 'internal to 4.8: the map argument comes first in every 4.8 prototype',
    misconfigured_ret: 'internal to 4.8: every helper returning a map value takes a map',
  };
  const seen = new Set<MessageId>();
  const movs = (n: number) => B.prog(...Array.from({ length: n - 1 }, () => B.mov64Imm(0, 0)), B.exit());
  const ok = B.prog(B.mov64Imm(0, 0), B.exit());
  const SYSCALL: [MessageId, Partial<Parameters<typeof request>[1]> & { bytes?: Uint8Array }][] = [
    ['insn_cnt_too_large', { bytes: movs(4096) }],
    ['kprobe_kern_version', { progType: ProgType.Kprobe, kernVersion: 0x040801 }],
    ['not_privileged', { progType: ProgType.SchedCls, privileged: false }],
    ['unknown_prog_type', { progType: 99 }],
    ['empty_program', { bytes: new Uint8Array(0) }],
    ['log_attrs', { logSize: 64 }],
    ['log_full', { logSize: 128, bytes: movs(40) }],
  ];

  /** FACTS §19's format a case is named after ("(none) ..." for silent refusals), without a note in parentheses */
  const formatOf = (c: Case): string | null => (c.message.startsWith('(none)') ? null : c.message.replace(/ \([^()]*\)$/, ''));

  test.each(CASES.map((c) => [c.message, c] as const))('%s: its id, format and text', (_m, c) => {
    // the mode in which the case is refused with its message
    const progType = c.progType ?? ProgType.SocketFilter;
    const privileged = c.priv[0] !== 'OK';
    const want = privileged ? c.priv : (c.unpriv ?? (progType === ProgType.SocketFilter ? c.priv : (['EPERM', ''] as Want)));
    const v = verify(
      request(c.bytes, { progType, privileged, license: c.license ?? 'GPL', logSize: (1 << 24) - 1, resolveMapFd: c.resolveMapFd ?? resolveSuiteFd }),
      { analysis: false },
    );
    // a message no mode reaches (the case shows it cannot be): no refusal, or only EPERM's
    if (want[0] === 'OK') return expect(v.refusal).toBeUndefined();
    if (want[0] === 'EPERM' && !privileged) return expect(v.refusal?.id).toBe('not_privileged');
    const r = v.refusal!;
    expect(r, 'a refusal').toBeDefined();
    seen.add(r.id);
    const fmt = MESSAGES[r.id].fmt;
    // the table's format is FACTS §19's: this case's, or (for a variant of a message) another case's
    if (fmt !== formatOf(c)) expect(CASES.some((o) => formatOf(o) === fmt), `${r.id}: ${fmt}`).toBe(true);
    expect(r.text ?? '').toBe(want[1]);
    expect(v.log.endsWith(r.text === null ? '' : `${r.text}\n`)).toBe(true);
  });

  test.each(SYSCALL)('%s', (id, over) => {
    const v = verify(request(over.bytes ?? ok, over), { analysis: false });
    expect(v.ok).toBe(false);
    expect(v.refusal?.id).toBe(id);
    seen.add(id);
  });

  test("the table has every format of 4.8's catalogue, but the checks bpflab has no code for", () => {
    // strict-alignment architectures only, and 4.8's internal checks on paths bpflab does not model
    const NOT_IN_TABLE = [
      'insn state internal bug',
      'pop stack internal bug',
      'Unknown packet alignment. Only byte-sized access allowed',
      'misaligned packet access off %d+%d+%d size %d',
      'verifier is misconfigured',
      'unsupported arg_type %d',
      'ARG_CONST_STACK_SIZE cannot be first argument',
      'kernel subsystem misconfigured func %d',
      'unknown return type %d of func %d',
      'bpf verifier is misconfigured',
    ];
    const catalogue = (JSON.parse(readFileSync(dataPath('verifier/messages.json'), 'utf8')) as { messages: { format: string }[] }).messages.map((x) => x.format);
    const formats = new Set(Object.values(MESSAGES).map((x) => x.fmt));
    expect(catalogue.filter((f) => !formats.has(f) && !NOT_IN_TABLE.includes(f))).toEqual([]);
    expect(NOT_IN_TABLE.filter((f) => !catalogue.includes(f) || formats.has(f))).toEqual([]);
    // and nothing the table prints is missing from the catalogue
    expect([...formats].filter((f) => f !== null && !catalogue.includes(f))).toEqual([]);
  });

  test('every message of the table is reached, or says why it cannot be', () => {
    const missing = (Object.keys(MESSAGES) as MessageId[]).filter((id) => !seen.has(id) && !UNREACHED[id]);
    expect(missing).toEqual([]);
    for (const id of Object.keys(UNREACHED) as MessageId[]) expect(seen.has(id), `${id} is reached after all`).toBe(false);
  });
});
