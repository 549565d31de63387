/**
 * One eBPF instruction, decoded once from its 8 bytes (16 for ld_imm64).
 *
 *   byte 0     byte 1               bytes 2-3          bytes 4-7
 *   +--------+---------+---------+------------------+----------------------+
 *   |  code  | src (4) | dst (4) |  off (s16, LE)   |    imm (s32, LE)     |
 *   +--------+---------+---------+------------------+----------------------+
 *
 * Decoding is structural: every instruction keeps its raw fields, and reserved fields that are
 * not zero do not stop it from decoding (the verifier and the loader reject those, each with its
 * own message). Only encodings with no meaning at all decode to `kind: 'invalid'`.
 * `later` marks what is beyond Linux 4.8 (RFC 9669 and later kernels).
 */
import { bytesToHex, hexToBytes } from './hex';
import { AluOp, AtomicOp, Class, Endian, JmpOp, Mode, Pseudo, Size, Src, sizeBytes } from './opcode';

/** The five fields of one 8-byte slot. off is a signed 16-bit and imm a signed 32-bit integer. */
export interface RawInsn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export type AluName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'or'
  | 'and'
  | 'lsh'
  | 'rsh'
  | 'neg'
  | 'mod'
  | 'xor'
  | 'mov'
  | 'arsh'
  | 'sdiv'
  | 'smod'
  | 'movsx';

export type JmpName = 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge' | 'jlt' | 'jle' | 'jslt' | 'jsle';
export type AtomicName = 'add' | 'or' | 'and' | 'xor' | 'xchg' | 'cmpxchg';
export type Bytes = 1 | 2 | 4 | 8;

interface Base extends RawInsn {
  /** 2 for ld_imm64, 1 otherwise */
  slots: 1 | 2;
  /** beyond the Linux 4.8 instruction set */
  later: boolean;
}

type AluInsn = Base & {
  kind: 'alu';
  alu64: boolean;
  op: AluName;
  /** X form: the operand is src_reg; K form: imm */
  useSrc: boolean;
  /** movsx only: the source width in bits */
  extendBits?: 8 | 16 | 32;
};
type EndInsn = Base & { kind: 'end'; alu64: boolean; order: 'le' | 'be' | 'bswap'; bits: number };
type LdImm64Insn = Base & {
  kind: 'ld_imm64';
  /** the full 64-bit value: imm of the first slot is the low half, imm of the second the high half */
  imm64: bigint;
  /** the raw second slot (all its fields but imm must be zero for a valid instruction) */
  next: RawInsn;
};
type LdPktInsn = Base & { kind: 'ld_abs' | 'ld_ind'; bytes: Bytes };
type LdxInsn = Base & { kind: 'ldx'; bytes: Bytes; signExtend: boolean };
type StInsn = Base & { kind: 'st'; bytes: Bytes };
type StxInsn = Base & { kind: 'stx'; bytes: Bytes };
type AtomicInsn = Base & { kind: 'atomic'; bytes: Bytes; aop: AtomicName; fetch: boolean };
type JaInsn = Base & { kind: 'ja'; /** ja32 (gotol): the offset is in imm */ long: boolean };
type JcondInsn = Base & { kind: 'jcond'; jmp32: boolean; op: JmpName; useSrc: boolean };
export type CallInsn = Base & { kind: 'call'; target: 'helper' | 'local' | 'kfunc' };
type CallxInsn = Base & { kind: 'callx' };
type ExitInsn = Base & { kind: 'exit' };
type InvalidInsn = Base & { kind: 'invalid'; why: string };

export type Insn =
  | AluInsn
  | EndInsn
  | LdImm64Insn
  | LdPktInsn
  | LdxInsn
  | StInsn
  | StxInsn
  | AtomicInsn
  | JaInsn
  | JcondInsn
  | CallInsn
  | CallxInsn
  | ExitInsn
  | InvalidInsn;

const ALU_NAMES: Record<number, AluName> = {
  [AluOp.ADD]: 'add',
  [AluOp.SUB]: 'sub',
  [AluOp.MUL]: 'mul',
  [AluOp.DIV]: 'div',
  [AluOp.OR]: 'or',
  [AluOp.AND]: 'and',
  [AluOp.LSH]: 'lsh',
  [AluOp.RSH]: 'rsh',
  [AluOp.NEG]: 'neg',
  [AluOp.MOD]: 'mod',
  [AluOp.XOR]: 'xor',
  [AluOp.MOV]: 'mov',
  [AluOp.ARSH]: 'arsh',
};
export const ALU_OP_OF: Record<AluName, number> = {
  add: AluOp.ADD,
  sub: AluOp.SUB,
  mul: AluOp.MUL,
  div: AluOp.DIV,
  or: AluOp.OR,
  and: AluOp.AND,
  lsh: AluOp.LSH,
  rsh: AluOp.RSH,
  neg: AluOp.NEG,
  mod: AluOp.MOD,
  xor: AluOp.XOR,
  mov: AluOp.MOV,
  arsh: AluOp.ARSH,
  sdiv: AluOp.DIV,
  smod: AluOp.MOD,
  movsx: AluOp.MOV,
};

const JMP_NAMES: Record<number, JmpName> = {
  [JmpOp.JEQ]: 'jeq',
  [JmpOp.JGT]: 'jgt',
  [JmpOp.JGE]: 'jge',
  [JmpOp.JSET]: 'jset',
  [JmpOp.JNE]: 'jne',
  [JmpOp.JSGT]: 'jsgt',
  [JmpOp.JSGE]: 'jsge',
  [JmpOp.JLT]: 'jlt',
  [JmpOp.JLE]: 'jle',
  [JmpOp.JSLT]: 'jslt',
  [JmpOp.JSLE]: 'jsle',
};
export const JMP_OP_OF: Record<JmpName, number> = {
  jeq: JmpOp.JEQ,
  jgt: JmpOp.JGT,
  jge: JmpOp.JGE,
  jset: JmpOp.JSET,
  jne: JmpOp.JNE,
  jsgt: JmpOp.JSGT,
  jsge: JmpOp.JSGE,
  jlt: JmpOp.JLT,
  jle: JmpOp.JLE,
  jslt: JmpOp.JSLT,
  jsle: JmpOp.JSLE,
};
/** Conditional jumps that Linux 4.8 knows. */
const JMP_4_8: ReadonlySet<JmpName> = new Set(['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge']);

const ATOMIC_NAMES: Record<number, [AtomicName, boolean]> = {
  [AtomicOp.ADD]: ['add', false],
  [AtomicOp.OR]: ['or', false],
  [AtomicOp.AND]: ['and', false],
  [AtomicOp.XOR]: ['xor', false],
  [AtomicOp.ADD | AtomicOp.FETCH]: ['add', true],
  [AtomicOp.OR | AtomicOp.FETCH]: ['or', true],
  [AtomicOp.AND | AtomicOp.FETCH]: ['and', true],
  [AtomicOp.XOR | AtomicOp.FETCH]: ['xor', true],
  [AtomicOp.XCHG]: ['xchg', true],
  [AtomicOp.CMPXCHG]: ['cmpxchg', true],
};
/** The imm of an atomic operation. */
export function atomicImm(aop: AtomicName, fetch: boolean): number {
  switch (aop) {
    case 'xchg':
      return AtomicOp.XCHG;
    case 'cmpxchg':
      return AtomicOp.CMPXCHG;
    default:
      return AtomicOp[aop.toUpperCase() as 'ADD' | 'OR' | 'AND' | 'XOR'] | (fetch ? AtomicOp.FETCH : 0);
  }
}

/** Reads the raw fields of slot `index` of a little-endian program. */
export function readRaw(bytes: Uint8Array, index: number): RawInsn {
  const o = index * 8;
  const off = (bytes[o + 2] | (bytes[o + 3] << 8)) << 16 >> 16;
  const imm = bytes[o + 4] | (bytes[o + 5] << 8) | (bytes[o + 6] << 16) | (bytes[o + 7] << 24);
  return { code: bytes[o], dst: bytes[o + 1] & 0x0f, src: bytes[o + 1] >> 4, off, imm };
}

/** Writes the raw fields of one slot at `index`. Fields are truncated to their widths. */
export function writeRaw(bytes: Uint8Array, index: number, r: RawInsn): void {
  const o = index * 8;
  bytes[o] = r.code & 0xff;
  bytes[o + 1] = ((r.src & 0x0f) << 4) | (r.dst & 0x0f);
  bytes[o + 2] = r.off & 0xff;
  bytes[o + 3] = (r.off >> 8) & 0xff;
  bytes[o + 4] = r.imm & 0xff;
  bytes[o + 5] = (r.imm >> 8) & 0xff;
  bytes[o + 6] = (r.imm >> 16) & 0xff;
  bytes[o + 7] = (r.imm >>> 24) & 0xff;
}

const raw = (r: RawInsn): RawInsn => ({ code: r.code, dst: r.dst, src: r.src, off: r.off, imm: r.imm });

/**
 * Decodes the instruction at slot `index`. An ld_imm64 takes the next slot too; at the end of
 * the program (no next slot) it decodes as invalid, as the kernel's pre-scan refuses it.
 */
export function decodeAt(bytes: Uint8Array, index: number): Insn {
  const r = readRaw(bytes, index);
  const hasNext = (index + 2) * 8 <= bytes.length;
  return decodeRaw(r, hasNext ? readRaw(bytes, index + 1) : undefined);
}

/** What one form adds to the raw fields; `slots` and `later` only where they are not 1 and false. */
type Form<I = Insn> = I extends Base ? Omit<I, keyof Base> & Partial<Pick<Base, 'slots' | 'later'>> : never;

/**
 * Decodes one instruction from its raw fields (and the next slot's, for ld_imm64). The object is
 * built by assigning the form's fields onto a literal: object spreads cost some 100x more here,
 * and decoding is most of what the disassembler and the editor's program view spend.
 */
export function decodeRaw(r: RawInsn, next?: RawInsn): Insn {
  const base: Base = { code: r.code, dst: r.dst, src: r.src, off: r.off, imm: r.imm, slots: 1, later: false };
  return Object.assign(base, decodeForm(r, next));
}

function decodeForm(r: RawInsn, next?: RawInsn): Form {
  const cls = r.code & 0x07;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return decodeAlu(r, cls === Class.ALU64);
    case Class.JMP:
    case Class.JMP32:
      return decodeJmp(r, cls === Class.JMP32);
    case Class.LD:
      return decodeLd(r, next);
    case Class.LDX: {
      const mode = r.code & 0xe0;
      const bytes = sizeBytes(r.code);
      if (mode === Mode.MEM) return { kind: 'ldx', bytes, signExtend: false };
      if (mode === Mode.MEMSX && bytes !== 8) return { kind: 'ldx', bytes, signExtend: true, later: true };
      return { kind: 'invalid', why: 'unknown load mode' };
    }
    case Class.ST:
      if ((r.code & 0xe0) === Mode.MEM) return { kind: 'st', bytes: sizeBytes(r.code) };
      return { kind: 'invalid', why: 'unknown store mode' };
    default: {
      // STX
      const mode = r.code & 0xe0;
      const bytes = sizeBytes(r.code);
      if (mode === Mode.MEM) return { kind: 'stx', bytes };
      if (mode === Mode.XADD) {
        const a = ATOMIC_NAMES[r.imm];
        if (!a) return { kind: 'invalid', why: 'unknown atomic operation' };
        return { kind: 'atomic', bytes, aop: a[0], fetch: a[1], later: r.imm !== 0 };
      }
      return { kind: 'invalid', why: 'unknown store mode' };
    }
  }
}

function decodeAlu(r: RawInsn, alu64: boolean): Form {
  const op = r.code & 0xf0;
  const useSrc = (r.code & Src.X) !== 0;
  if (op === AluOp.END) {
    if (alu64) {
      if (useSrc) return { kind: 'invalid', why: 'reserved byte-swap encoding' };
      return { kind: 'end', alu64, order: 'bswap', bits: r.imm, later: true };
    }
    return { kind: 'end', alu64, order: r.code & Endian.TO_BE ? 'be' : 'le', bits: r.imm };
  }
  const name = ALU_NAMES[op];
  if (!name) return { kind: 'invalid', why: 'unknown ALU operation' };
  if ((name === 'div' || name === 'mod') && r.off === 1) {
    return { kind: 'alu', alu64, op: name === 'div' ? 'sdiv' : 'smod', useSrc, later: true };
  }
  if (name === 'mov' && useSrc && (r.off === 8 || r.off === 16 || (r.off === 32 && alu64))) {
    return { kind: 'alu', alu64, op: 'movsx', useSrc, extendBits: r.off, later: true };
  }
  return { kind: 'alu', alu64, op: name, useSrc };
}

function decodeJmp(r: RawInsn, jmp32: boolean): Form {
  const op = r.code & 0xf0;
  const useSrc = (r.code & Src.X) !== 0;
  if (op === JmpOp.JA) {
    if (jmp32) return { kind: 'ja', long: true, later: true };
    return { kind: 'ja', long: false };
  }
  if (op === JmpOp.CALL) {
    if (jmp32) return { kind: 'invalid', why: 'call in the JMP32 class' };
    if (useSrc) return { kind: 'callx', later: true };
    if (r.src === Pseudo.CALL) return { kind: 'call', target: 'local', later: true };
    if (r.src === Pseudo.KFUNC_CALL) return { kind: 'call', target: 'kfunc', later: true };
    return { kind: 'call', target: 'helper' };
  }
  if (op === JmpOp.EXIT) {
    if (jmp32) return { kind: 'invalid', why: 'exit in the JMP32 class' };
    return { kind: 'exit' };
  }
  const name = JMP_NAMES[op];
  if (!name) return { kind: 'invalid', why: 'unknown jump operation' };
  return { kind: 'jcond', jmp32, op: name, useSrc, later: jmp32 || !JMP_4_8.has(name) };
}

function decodeLd(r: RawInsn, next?: RawInsn): Form {
  const mode = r.code & 0xe0;
  const size = r.code & 0x18;
  if (mode === Mode.IMM) {
    if (size !== Size.DW) return { kind: 'invalid', why: 'ld_imm of a size other than 64 bits' };
    if (!next) return { kind: 'invalid', why: 'ld_imm64 without its second slot' };
    const imm64 = BigInt.asUintN(64, (BigInt(next.imm) << 32n) | BigInt(r.imm >>> 0));
    return { kind: 'ld_imm64', slots: 2, imm64, next: raw(next), later: r.src > Pseudo.MAP_FD };
  }
  if (mode === Mode.ABS) return { kind: 'ld_abs', bytes: sizeBytes(r.code) };
  if (mode === Mode.IND) return { kind: 'ld_ind', bytes: sizeBytes(r.code) };
  return { kind: 'invalid', why: 'unknown ld mode' };
}

/** The 8 (or 16) bytes of one instruction. */
export function encodeInsn(insn: RawInsn & { slots?: number; next?: RawInsn }): Uint8Array {
  const two = insn.slots === 2 && insn.next;
  const out = new Uint8Array(two ? 16 : 8);
  writeRaw(out, 0, insn);
  if (two) writeRaw(out, 1, insn.next!);
  return out;
}

/** Concatenates the bytes of a list of instructions. */
export function encodeProgram(insns: readonly (RawInsn & { slots?: number; next?: RawInsn })[]): Uint8Array {
  const parts = insns.map(encodeInsn);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Decodes a whole program into its instructions, in order. An ld_imm64 is one instruction of two
 * slots; `pcs[i]` is the slot index of instruction i.
 */
export function decodeProgram(bytes: Uint8Array): { insns: Insn[]; pcs: number[] } {
  const insns: Insn[] = [];
  const pcs: number[] = [];
  const n = Math.floor(bytes.length / 8);
  for (let pc = 0; pc < n; ) {
    const insn = decodeAt(bytes, pc);
    insns.push(insn);
    pcs.push(pc);
    pc += insn.slots;
  }
  return { insns, pcs };
}

/**
 * Decodes every slot independently, as the kernel indexes them: slot i of an ld_imm64's second
 * half decodes on its own (as the kernel would see it if a jump landed there).
 */
export function decodeSlots(bytes: Uint8Array): Insn[] {
  const n = Math.floor(bytes.length / 8);
  const out: Insn[] = new Array(n);
  for (let pc = 0; pc < n; pc++) out[pc] = decodeAt(bytes, pc);
  return out;
}

/** 16 lowercase hex characters a slot, in memory order: the `insns` format of kernel-oracle. */
export function slotsToHex(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let o = 0; o + 8 <= bytes.length; o += 8) out.push(bytesToHex(bytes.subarray(o, o + 8)));
  return out;
}

/** Parses the `insns` hex format; returns an error message for anything else. */
export function hexToSlots(hex: readonly unknown[]): Uint8Array | string {
  const out = new Uint8Array(hex.length * 8);
  for (let i = 0; i < hex.length; i++) {
    const h = hex[i];
    const slot = typeof h === 'string' && h.length === 16 ? hexToBytes(h) : undefined;
    if (!slot) return `insns[${i}] must be 16 hex characters (8 bytes in memory order)`;
    out.set(slot, i * 8);
  }
  return out;
}
