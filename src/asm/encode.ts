/**
 * The encoder: one builder per instruction form, from meaning to raw fields. Both parsers call
 * these, so an instruction has one encoding whatever its spelling. Builders take values already
 * range-checked and set every field the form leaves unused to zero.
 */
import {
  ALU_OP_OF,
  Endian,
  Class,
  JMP_OP_OF,
  JmpOp,
  Mode,
  Pseudo,
  Size,
  Src,
  AluOp,
  atomicImm,
  sizeField,
  type AluName,
  type AtomicName,
  type Bytes,
  type JmpName,
  type RawInsn,
} from '../isa';
import type { Span } from './diagnostic';

/** A register or an immediate operand. */
export type Operand = { reg: number } | { imm: number };

/** A reference resolved once every label is known. */
type Fixup =
  /** a jump's offset: `off` (16 bits) or, for ja32 and local calls, `imm` */
  | ({ kind: 'jump'; label: string; field: 'off' | 'imm' } & Span)
  /** `call NAME`: a label (bpf-to-bpf call) or a helper's name */
  | ({ kind: 'call'; name: string } & Span);

/** What one statement assembles to. */
export interface Emit {
  raw: RawInsn;
  /** the second slot of an ld_imm64 */
  next?: RawInsn;
  fix?: Fixup;
  /** an ld_imm64 of a map by name */
  map?: { name: string } & Span;
}

const ins = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });

/** ALU and ALU64 operations with a register or an immediate (not neg, end or movsx). */
export function alu(op: AluName, alu64: boolean, dst: number, rhs: Operand): RawInsn {
  const cls = alu64 ? Class.ALU64 : Class.ALU;
  const off = op === 'sdiv' || op === 'smod' ? 1 : 0;
  if ('reg' in rhs) return ins(cls | ALU_OP_OF[op] | Src.X, dst, rhs.reg, off, 0);
  return ins(cls | ALU_OP_OF[op] | Src.K, dst, 0, off, rhs.imm);
}

/** neg: dst = -dst. `imm` is 0 except when a 4.8 log line spells it out. */
export const neg = (alu64: boolean, dst: number, imm = 0): RawInsn =>
  ins((alu64 ? Class.ALU64 : Class.ALU) | AluOp.NEG, dst, 0, 0, imm);

/** Byte order conversions: le/be (class ALU, the X bit picks BE) and bswap (class ALU64). */
export function end(order: 'le' | 'be' | 'bswap', bits: number, dst: number): RawInsn {
  if (order === 'bswap') return ins(Class.ALU64 | AluOp.END, dst, 0, 0, bits);
  return ins(Class.ALU | AluOp.END | (order === 'be' ? Endian.TO_BE : Endian.TO_LE), dst, 0, 0, bits);
}

/** movsx: dst = (sN) src, the width in off. */
export const movsx = (alu64: boolean, bits: 8 | 16 | 32, dst: number, src: number): RawInsn =>
  ins((alu64 ? Class.ALU64 : Class.ALU) | AluOp.MOV | Src.X, dst, src, bits, 0);

/** Loads from memory: dst = *(size *)(src + off), sign-extending with `signExtend`. */
export const ldx = (bytes: Bytes, signExtend: boolean, dst: number, src: number, off: number): RawInsn =>
  ins(Class.LDX | (signExtend ? Mode.MEMSX : Mode.MEM) | sizeField(bytes), dst, src, off, 0);

/** Stores an immediate: *(size *)(dst + off) = imm. */
export const st = (bytes: Bytes, dst: number, off: number, imm: number): RawInsn =>
  ins(Class.ST | Mode.MEM | sizeField(bytes), dst, 0, off, imm);

/** Stores a register: *(size *)(dst + off) = src. */
export const stx = (bytes: Bytes, dst: number, src: number, off: number): RawInsn =>
  ins(Class.STX | Mode.MEM | sizeField(bytes), dst, src, off, 0);

/** Atomic operations on *(size *)(dst + off) with src (XADD is add without fetch). */
export const atomic = (bytes: Bytes, aop: AtomicName, fetch: boolean, dst: number, src: number, off: number): RawInsn =>
  ins(Class.STX | Mode.XADD | sizeField(bytes), dst, src, off, atomicImm(aop, fetch));

/** Legacy packet loads into r0: skb[imm] and skb[src + imm]. */
export const ldAbs = (bytes: Bytes, imm: number): RawInsn => ins(Class.LD | Mode.ABS | sizeField(bytes), 0, 0, 0, imm);
export const ldInd = (bytes: Bytes, src: number, imm: number): RawInsn =>
  ins(Class.LD | Mode.IND | sizeField(bytes), 0, src, 0, imm);

/** ld_imm64: two slots, the low half in the first imm and the high half in the second. */
export function ldImm64(dst: number, value: bigint, pseudo = 0, nextImm?: number): Emit {
  const v = BigInt.asUintN(64, value);
  const lo = Number(BigInt.asIntN(32, v));
  const hi = nextImm ?? Number(BigInt.asIntN(32, v >> 32n));
  return { raw: ins(Class.LD | Mode.IMM | Size.DW, dst, pseudo, 0, lo), next: ins(0, 0, 0, 0, hi) };
}

/** goto: off slots after the next one. */
export const ja = (off: number): RawInsn => ins(Class.JMP | JmpOp.JA, 0, 0, off, 0);
/** gotol (ja32): the offset is in imm. */
export const ja32 = (imm: number): RawInsn => ins(Class.JMP32 | JmpOp.JA, 0, 0, 0, imm);

/** Conditional jumps, 64-bit (JMP) or 32-bit (JMP32). */
export function jcond(op: JmpName, jmp32: boolean, dst: number, rhs: Operand, off: number): RawInsn {
  const cls = jmp32 ? Class.JMP32 : Class.JMP;
  if ('reg' in rhs) return ins(cls | JMP_OP_OF[op] | Src.X, dst, rhs.reg, off, 0);
  return ins(cls | JMP_OP_OF[op] | Src.K, dst, 0, off, rhs.imm);
}

/** Calls: a helper by id, a bpf-to-bpf call (imm = slot offset), or a kfunc. */
export function call(target: 'helper' | 'local' | 'kfunc', imm: number): RawInsn {
  const src = target === 'local' ? Pseudo.CALL : target === 'kfunc' ? Pseudo.KFUNC_CALL : 0;
  return ins(Class.JMP | JmpOp.CALL, 0, src, 0, imm);
}
/** callx: call the address in a register (held in dst, as LLVM encodes it). */
export const callx = (dst: number): RawInsn => ins(Class.JMP | JmpOp.CALL | Src.X, dst);
export const exit = (): RawInsn => ins(Class.JMP | JmpOp.EXIT);
