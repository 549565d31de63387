/**
 * Instruction builders in the style of the kernel's BPF_* macros, for tests and the program
 * generator: each returns raw slots (two for ld_imm64), and `prog` concatenates them to bytes.
 */
import { AluOp, Class, JmpOp, Mode, Pseudo, Size, Src, writeRaw, type RawInsn } from '../../src/isa';

export type Slots = RawInsn[];
const r = (code: number, dst = 0, src = 0, off = 0, imm = 0): Slots => [{ code, dst, src, off, imm }];

const SZ = { 1: Size.B, 2: Size.H, 4: Size.W, 8: Size.DW } as const;
export type Width = keyof typeof SZ;

export const raw = r;
export const alu64Imm = (op: number, dst: number, imm: number): Slots => r(Class.ALU64 | op | Src.K, dst, 0, 0, imm);
export const alu64Reg = (op: number, dst: number, src: number): Slots => r(Class.ALU64 | op | Src.X, dst, src);
export const alu32Imm = (op: number, dst: number, imm: number): Slots => r(Class.ALU | op | Src.K, dst, 0, 0, imm);
export const alu32Reg = (op: number, dst: number, src: number): Slots => r(Class.ALU | op | Src.X, dst, src);
export const mov64Imm = (dst: number, imm: number): Slots => alu64Imm(AluOp.MOV, dst, imm);
export const mov64Reg = (dst: number, src: number): Slots => alu64Reg(AluOp.MOV, dst, src);
export const ldx = (w: Width, dst: number, src: number, off: number): Slots => r(Class.LDX | Mode.MEM | SZ[w], dst, src, off);
export const stx = (w: Width, dst: number, src: number, off: number): Slots => r(Class.STX | Mode.MEM | SZ[w], dst, src, off);
export const st = (w: Width, dst: number, off: number, imm: number): Slots => r(Class.ST | Mode.MEM | SZ[w], dst, 0, off, imm);
export const xadd = (w: Width, dst: number, src: number, off: number): Slots => r(Class.STX | Mode.XADD | SZ[w], dst, src, off);
export const jmpImm = (op: number, dst: number, imm: number, off: number): Slots => r(Class.JMP | op | Src.K, dst, 0, off, imm);
export const jmpReg = (op: number, dst: number, src: number, off: number): Slots => r(Class.JMP | op | Src.X, dst, src, off);
export const ja = (off: number): Slots => r(Class.JMP | JmpOp.JA, 0, 0, off);
export const call = (id: number): Slots => r(Class.JMP | JmpOp.CALL, 0, 0, 0, id);
export const exit = (): Slots => r(Class.JMP | JmpOp.EXIT);
export const ldAbs = (w: Width, imm: number): Slots => r(Class.LD | Mode.ABS | SZ[w], 0, 0, 0, imm);
export const ldInd = (w: Width, src: number, imm: number): Slots => r(Class.LD | Mode.IND | SZ[w], 0, src, 0, imm);
/** ld_imm64 of a 64-bit constant */
export const ldImm64 = (dst: number, v: bigint): Slots => [
  { code: Class.LD | Mode.IMM | Size.DW, dst, src: 0, off: 0, imm: Number(BigInt.asIntN(32, v)) },
  { code: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, v >> 32n)) },
];
/** BPF_LD_MAP_FD: ld_imm64 with src_reg 1 and the fd in imm */
export const ldMapFd = (dst: number, fd: number): Slots => [
  { code: Class.LD | Mode.IMM | Size.DW, dst, src: Pseudo.MAP_FD, off: 0, imm: fd },
  { code: 0, dst: 0, src: 0, off: 0, imm: 0 },
];

/** The bytes of a list of instructions. */
export function prog(...parts: Slots[]): Uint8Array {
  const slots = parts.flat();
  const out = new Uint8Array(slots.length * 8);
  slots.forEach((s, i) => writeRaw(out, i, s));
  return out;
}

export { AluOp, JmpOp };
