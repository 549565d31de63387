/**
 * Whether an instruction has a text spelling that assembles back to exactly its bytes: every
 * field its form does not use is zero, its registers are ones the syntax can name, and its
 * form is one the printers spell. The llvm and ubpf printers fall back to `.raw` otherwise, so
 * bytes → text → bytes is the identity for any bytes.
 */
import { Pseudo, Src, encodeInsn, slotsToHex, type CallInsn, type Insn, type RawInsn } from '../isa';

/** The src_reg each kind of call is encoded with. */
const CALL_SRC: Record<CallInsn['target'], number> = { helper: 0, local: Pseudo.CALL, kfunc: Pseudo.KFUNC_CALL };

const zero = (...fields: number[]): boolean => fields.every((f) => f === 0);
const isZeroSlot = (r: RawInsn, withImm: boolean): boolean => zero(r.code, r.dst, r.src, r.off) && (!withImm || r.imm === 0);

/** True when the printers can spell `insn` so that it reassembles to the same bytes. */
export function isCanonical(insn: Insn, maxReg: number): boolean {
  if (insn.dst > maxReg || insn.src > maxReg) return false;
  switch (insn.kind) {
    case 'alu': {
      const off = insn.op === 'sdiv' || insn.op === 'smod' ? 1 : insn.op === 'movsx' ? insn.extendBits : 0;
      if (insn.off !== off) return false;
      if (insn.op === 'neg') return !insn.useSrc && zero(insn.src, insn.imm);
      return insn.useSrc ? insn.imm === 0 : insn.src === 0;
    }
    case 'end':
      return zero(insn.src, insn.off) && (insn.imm === 16 || insn.imm === 32 || insn.imm === 64);
    case 'ld_imm64':
      if (insn.off !== 0 || !isZeroSlot(insn.next, false)) return false;
      if (insn.src === 1) return insn.next.imm === 0;
      return insn.src <= 2;
    case 'ld_abs':
      return zero(insn.dst, insn.src, insn.off);
    case 'ld_ind':
      return zero(insn.dst, insn.off);
    case 'ldx':
    case 'stx':
      return insn.imm === 0;
    case 'st':
      return insn.src === 0;
    case 'atomic':
      return insn.bytes === 4 || insn.bytes === 8;
    case 'ja':
      // the X bit means nothing to ja (gotol) and the assembler never sets it: 0x0d/0x0e print raw
      if (insn.code & Src.X) return false;
      return insn.long ? zero(insn.dst, insn.src, insn.off) : zero(insn.dst, insn.src, insn.imm);
    case 'jcond':
      return insn.useSrc ? insn.imm === 0 : insn.src === 0;
    case 'call':
      // src_reg says which call it is: 0 a helper, 1 a bpf-to-bpf call, 2 a kfunc; 3-15 have no spelling
      return zero(insn.dst, insn.off) && insn.src === CALL_SRC[insn.target];
    case 'callx':
      return zero(insn.src, insn.off, insn.imm);
    case 'exit':
      return (insn.code & Src.X) === 0 && zero(insn.dst, insn.src, insn.off, insn.imm);
    default:
      return false;
  }
}

/** The `.raw` spelling of an instruction (both slots of an ld_imm64). */
export const rawText = (insn: Insn): string => `.raw ${slotsToHex(encodeInsn(insn)).join(', ')}`;
