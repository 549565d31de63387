/**
 * ALU and ALU64 instructions (4.8's check_alu_op): reserved fields, operand checks, the
 * unprivileged pointer-arithmetic rules, and what the verifier learns: fp + K gives a stack
 * pointer, packet pointer additions keep or renew the pointer, privileged constant folding of
 * ADD, and the known-zero upper bits of unknown values. Everything else makes dst unknown.
 */
import { AluOp, Class, Errno, Src, type RawInsn } from '../isa';
import { fail, type VerifierEnv } from './env';
import { isPointerValue } from './mem';
import { checkRegRead, checkRegWrite } from './regcheck';
import { REG_TYPE_STR, RegType, ilog2u64, isPositive64 } from './state';

const { CONST_IMM, FRAME_PTR, PTR_TO_PACKET, UNKNOWN_VALUE } = RegType;

/** 4.8's MAX_PACKET_OFF */
const MAX_PACKET_OFF = 0xffff;

/** Checks one ALU/ALU64 instruction and applies it to the current state; 0 or an errno. */
export function checkAlu(env: VerifierEnv, insn: RawInsn): number {
  const op = insn.code & 0xf0;
  const useX = (insn.code & Src.X) !== 0;
  if (op === AluOp.END || op === AluOp.NEG) return checkNegEnd(env, insn, op, useX);
  if (op === AluOp.MOV) return checkMov(env, insn, useX);
  if (op > AluOp.END) return fail(env, Errno.EINVAL, 'alu_opcode_invalid', op);
  if (useX) {
    if (insn.imm !== 0 || insn.off !== 0) return fail(env, Errno.EINVAL, 'alu_reserved');
    const e = checkRegRead(env, insn.src);
    if (e) return e;
  } else if (insn.src !== 0 || insn.off !== 0) {
    return fail(env, Errno.EINVAL, 'alu_reserved');
  }
  let e = checkRegRead(env, insn.dst);
  if (e) return e;
  if ((op === AluOp.MOD || op === AluOp.DIV) && !useX && insn.imm === 0) return fail(env, Errno.EINVAL, 'div_by_zero');
  if ((op === AluOp.LSH || op === AluOp.RSH || op === AluOp.ARSH) && !useX) {
    const width = (insn.code & 0x07) === Class.ALU64 ? 64 : 32;
    if (insn.imm < 0 || insn.imm >= width) return fail(env, Errno.EINVAL, 'shift_invalid', insn.imm);
  }
  e = checkRegWrite(env, insn.dst, false);
  if (e) return e;
  return applyAlu(env, insn, op, useX);
}

/** The result of ADD, SUB, ... once the operands passed their checks. */
function applyAlu(env: VerifierEnv, insn: RawInsn, op: number, useX: boolean): number {
  const st = env.cur;
  const alu64 = (insn.code & 0x07) === Class.ALU64;
  const dstType = st.type(insn.dst);
  if (alu64 && op === AluOp.ADD && !useX && dstType === FRAME_PTR) {
    st.setStackPtr(insn.dst, insn.imm);
    return 0;
  }
  if (alu64 && op === AluOp.ADD && (dstType === PTR_TO_PACKET || (useX && st.type(insn.src) === PTR_TO_PACKET))) {
    return packetPtrAdd(env, insn, useX);
  }
  if (alu64 && dstType === UNKNOWN_VALUE && env.allowPtrLeaks) {
    knownZeroBits(env, insn, op, useX);
    return 0;
  }
  if (alu64 && dstType === CONST_IMM && env.allowPtrLeaks) {
    constAdd(env, insn, op, useX);
    return 0;
  }
  if (isPointerValue(env, insn.dst)) return fail(env, Errno.EACCES, 'pointer_arithmetic', insn.dst);
  if (useX && isPointerValue(env, insn.src)) return fail(env, Errno.EACCES, 'pointer_arithmetic', insn.src);
  st.markUnknown(insn.dst);
  return 0;
}

function checkNegEnd(env: VerifierEnv, insn: RawInsn, op: number, useX: boolean): number {
  if (op === AluOp.NEG) {
    if (useX || insn.src !== 0 || insn.off !== 0 || insn.imm !== 0) return fail(env, Errno.EINVAL, 'neg_reserved');
  } else if (insn.src !== 0 || insn.off !== 0 || (insn.imm !== 16 && insn.imm !== 32 && insn.imm !== 64)) {
    return fail(env, Errno.EINVAL, 'end_reserved');
  }
  const e = checkRegRead(env, insn.dst);
  if (e) return e;
  if (isPointerValue(env, insn.dst)) return fail(env, Errno.EACCES, 'pointer_arithmetic', insn.dst);
  return checkRegWrite(env, insn.dst, true);
}

function checkMov(env: VerifierEnv, insn: RawInsn, useX: boolean): number {
  if (useX) {
    if (insn.imm !== 0 || insn.off !== 0) return fail(env, Errno.EINVAL, 'mov_reserved');
    const e = checkRegRead(env, insn.src);
    if (e) return e;
  } else if (insn.src !== 0 || insn.off !== 0) {
    return fail(env, Errno.EINVAL, 'mov_reserved');
  }
  // dst is made unknown before the copy, so `r1 = r1` leaves r1 unknown, as in 4.8
  const e = checkRegWrite(env, insn.dst, true);
  if (e) return e;
  const st = env.cur;
  if (!useX) {
    // the 32-bit mov records the sign-extended imm too (4.8 quirk)
    st.setConst(insn.dst, insn.imm, insn.imm >> 31);
  } else if ((insn.code & 0x07) === Class.ALU64) {
    st.copyReg(insn.dst, insn.src);
  } else {
    if (isPointerValue(env, insn.src)) return fail(env, Errno.EACCES, 'partial_pointer_copy', insn.src);
    st.markUnknown(insn.dst);
  }
  return 0;
}

/** check_packet_ptr_add: pkt += K keeps the id and moves off; pkt += unknown gets a new id. */
function packetPtrAdd(env: VerifierEnv, insn: RawInsn, useX: boolean): number {
  const st = env.cur;
  const dst = insn.dst;
  // the addend: its type and imm; when the packet pointer is the source, dst takes its place
  let aType: number;
  let aImm: number;
  let aImmHi: number;
  if (!useX) {
    aType = CONST_IMM;
    aImm = insn.imm;
    aImmHi = insn.imm >> 31;
  } else {
    const a = st.type(insn.src) === PTR_TO_PACKET ? dst : insn.src;
    aType = st.type(a);
    aImm = st.imm(a);
    aImmHi = st.immHi(a);
    if (a === dst) st.copyReg(dst, insn.src);
  }
  if (aType === CONST_IMM) {
    const imm = aImm; // the constant is used as a 32-bit int
    if (imm <= 0) return fail(env, Errno.EACCES, 'pkt_add_negative');
    const off = st.pktOff(dst);
    if (imm >= MAX_PACKET_OFF || imm + off >= MAX_PACKET_OFF) {
      return fail(env, Errno.EACCES, 'pkt_add_too_large', imm);
    }
    st.setPacket(dst, st.pktId(dst), off + imm, st.pktRange(dst));
    return 0;
  }
  if (aType !== UNKNOWN_VALUE) return fail(env, Errno.EACCES, 'pkt_add_not_scalar', REG_TYPE_STR[aType]);
  // imm is the known-zero count here
  if (aImmHi === 0 && aImm < 48) {
    return fail(env, Errno.EACCES, 'pkt_add_too_wide', aImm);
  }
  st.setPacket(dst, ++env.idGen, 0, 0);
  return 0;
}

/** evaluate_reg_alu: how many upper bits of an unknown dst are still known to be zero. */
function knownZeroBits(env: VerifierEnv, insn: RawInsn, op: number, useX: boolean): void {
  const st = env.cur;
  const k = st.knownZero(insn.dst);
  if (useX) {
    const src = insn.src;
    const sType = st.type(src);
    let nk = 0;
    if (op === AluOp.ADD && k !== 0 && sType === UNKNOWN_VALUE && st.knownZero(src) > 0) nk = Math.min(k, st.knownZero(src)) - 1;
    else if (op === AluOp.ADD && k !== 0 && sType === CONST_IMM && isPositive64(st.imm(src), st.immHi(src))) {
      nk = Math.min(k, 63 - ilog2u64(st.imm(src), st.immHi(src))) - 1;
    }
    st.markUnknown(insn.dst, nk);
    return;
  }
  // log2 of the imm sign-extended to 64 bits: negative masks count as 63
  const log2 = ilog2u64(insn.imm, insn.imm >> 31);
  let nk: number;
  if (k !== 0 && op === AluOp.LSH) nk = k - insn.imm;
  else if (k !== 0 && op === AluOp.MUL) nk = k - (log2 + 1);
  else if (op === AluOp.AND) nk = 63 - log2;
  else if (k !== 0 && op === AluOp.ADD) nk = Math.min(k, 63 - log2) - 1;
  else if (op === AluOp.RSH) nk = Math.min(k + insn.imm, 64);
  else nk = 0;
  st.markUnknown(insn.dst, nk < 0 ? 0 : nk);
}

/** evaluate_reg_imm_alu: privileged constants survive ADD of a constant, nothing else. */
function constAdd(env: VerifierEnv, insn: RawInsn, op: number, useX: boolean): void {
  const st = env.cur;
  let bLo: number;
  let bHi: number;
  if (op === AluOp.ADD && !useX) {
    bLo = insn.imm;
    bHi = insn.imm >> 31;
  } else if (op === AluOp.ADD && useX && st.type(insn.src) === CONST_IMM) {
    bLo = st.imm(insn.src);
    bHi = st.immHi(insn.src);
  } else {
    st.markUnknown(insn.dst);
    return;
  }
  // imm += b in 64 bits, as two 32-bit halves with the carry
  const sum = (st.imm(insn.dst) >>> 0) + (bLo >>> 0);
  const carry = sum > 0xffffffff ? 1 : 0;
  st.setConst(insn.dst, sum | 0, (st.immHi(insn.dst) + bHi + carry) | 0);
}
