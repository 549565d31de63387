/**
 * ALU and ALU64 instructions (4.8's check_alu_op): reserved fields, operand checks, the
 * unprivileged pointer-arithmetic rules, and what the verifier learns: fp + K gives a stack
 * pointer, packet pointer additions keep or renew the pointer, privileged constant folding of
 * ADD, and the known-zero upper bits of unknown values. Everything else makes dst unknown.
 */
import * as isa from '../isa';
import type { RawInsn } from '../isa';
import * as regcheckModule from './regcheck';
import * as envModule from './env';
import type { VerifierEnv } from './env';
import * as memModule from './mem';
import * as stateModule from './state';

// module-local copies: hot paths skip the getters of imported bindings
const { AluOp, Class, Errno, Src } = isa;
const { checkRegRead, checkRegWrite } = regcheckModule;
const { fail } = envModule;
const { isPointerValue } = memModule;
const { REG_TYPE_STR, RegType, ilog2u64, isPositive64, pktHi, pktOff, pktRange } = stateModule;
const { CONST_IMM, FRAME_PTR, PTR_TO_PACKET, PTR_TO_STACK, UNKNOWN_VALUE } = RegType;

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
    st.set(insn.dst, PTR_TO_STACK, insn.imm, insn.imm >> 31);
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
  st.unknown(insn.dst);
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
    st.set(insn.dst, CONST_IMM, insn.imm, insn.imm >> 31);
  } else if ((insn.code & 0x07) === Class.ALU64) {
    st.copyReg(insn.dst, insn.src);
  } else {
    if (isPointerValue(env, insn.src)) return fail(env, Errno.EACCES, 'partial_pointer_copy', insn.src);
    st.unknown(insn.dst);
  }
  return 0;
}

/** check_packet_ptr_add: pkt += K keeps the id and moves off; pkt += unknown gets a new id. */
function packetPtrAdd(env: VerifierEnv, insn: RawInsn, useX: boolean): number {
  const st = env.cur;
  const dst = insn.dst;
  // the addend: (type, lo, hi); when the packet pointer is the source, dst takes its place
  let aType: number;
  let aLo: number;
  let aHi: number;
  if (!useX) {
    aType = CONST_IMM;
    aLo = insn.imm;
    aHi = insn.imm >> 31;
  } else {
    aType = st.type(insn.src);
    aLo = st.lo(insn.src);
    aHi = st.hi(insn.src);
    if (aType === PTR_TO_PACKET) {
      aType = st.type(dst);
      aLo = st.lo(dst);
      aHi = st.hi(dst);
      st.copyReg(dst, insn.src);
    }
  }
  if (aType === CONST_IMM) {
    const imm = aLo; // the constant is used as a 32-bit int
    if (imm <= 0) return fail(env, Errno.EACCES, 'pkt_add_negative');
    const off = pktOff(st.hi(dst));
    if (imm >= MAX_PACKET_OFF || imm + off >= MAX_PACKET_OFF) {
      return fail(env, Errno.EACCES, 'pkt_add_too_large', imm);
    }
    st.set(dst, PTR_TO_PACKET, st.lo(dst), pktHi(off + imm, pktRange(st.hi(dst))));
    return 0;
  }
  if (aType !== UNKNOWN_VALUE) return fail(env, Errno.EACCES, 'pkt_add_not_scalar', REG_TYPE_STR[aType]);
  if (aHi === 0 && aLo < 48) {
    return fail(env, Errno.EACCES, 'pkt_add_too_wide', aLo);
  }
  st.set(dst, PTR_TO_PACKET, ++env.idGen, 0);
  return 0;
}

/** evaluate_reg_alu: how many upper bits of an unknown dst are still known to be zero. */
function knownZeroBits(env: VerifierEnv, insn: RawInsn, op: number, useX: boolean): void {
  const st = env.cur;
  const k = st.lo(insn.dst);
  if (useX) {
    const sType = st.type(insn.src);
    const sLo = st.lo(insn.src);
    const sHi = st.hi(insn.src);
    let nk = 0;
    if (op === AluOp.ADD && k !== 0 && sType === UNKNOWN_VALUE && sLo > 0) nk = Math.min(k, sLo) - 1;
    else if (op === AluOp.ADD && k !== 0 && sType === CONST_IMM && isPositive64(sLo, sHi)) {
      nk = Math.min(k, 63 - ilog2u64(sLo, sHi)) - 1;
    }
    st.set(insn.dst, UNKNOWN_VALUE, nk, 0);
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
  st.set(insn.dst, UNKNOWN_VALUE, nk < 0 ? 0 : nk, 0);
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
    bLo = st.lo(insn.src);
    bHi = st.hi(insn.src);
  } else {
    st.unknown(insn.dst);
    return;
  }
  const aLo = st.lo(insn.dst);
  const sum = (aLo >>> 0) + (bLo >>> 0);
  const carry = sum > 0xffffffff ? 1 : 0;
  st.set(insn.dst, CONST_IMM, sum | 0, (st.hi(insn.dst) + bHi + carry) | 0);
}
