/**
 * Loads and stores (LDX, STX, XADD, ST), the 64-bit immediate load, and the legacy packet
 * loads LD_ABS/LD_IND, as 4.8's do_check, check_xadd, check_ld_imm and check_ld_abs check them.
 */
import { Errno, Mode, R6, Size, sizeBytes, type RawInsn } from '../isa';
import { mayAccessSkb } from '../kernel/progtypes/access';
import { fail, type VerifierEnv } from './env';
import { checkMemAccess } from './mem';
import { checkRegRead, checkRegWrite } from './regcheck';
import { RegType } from './state';

const { CONST_PTR_TO_MAP, NOT_INIT, PTR_TO_CTX } = RegType;

/**
 * The "same insn cannot be used with different pointers" rule: ctx accesses are rewritten
 * after verification, so an instruction that touches ctx must never touch anything else.
 */
function samePointerKind(env: VerifierEnv, idx: number, type: number): number {
  const prev = env.auxPtrType[idx];
  if (prev === NOT_INIT) env.auxPtrType[idx] = type;
  else if (prev !== type && (prev === PTR_TO_CTX || type === PTR_TO_CTX)) {
    return fail(env, Errno.EINVAL, 'different_pointers');
  }
  return 0;
}

/** LDX: rD = *(size *)(rS + off); the pre-scan already refused other modes and a non-zero imm. */
export function checkLdx(env: VerifierEnv, insn: RawInsn, idx: number): number {
  let e = checkRegRead(env, insn.src);
  if (e) return e;
  e = checkRegWrite(env, insn.dst, false);
  if (e) return e;
  const srcType = env.cur.type(insn.src);
  e = checkMemAccess(env, insn.src, insn.off, sizeBytes(insn.code), false, insn.dst);
  if (e) return e;
  // 4.8 records the pointer kind for 32-bit loads only
  if ((insn.code & 0x18) !== Size.W) return 0;
  return samePointerKind(env, idx, srcType);
}

/** STX: *(size *)(rD + off) = rS, or the atomic add `lock *(size *)(rD + off) += rS`. */
export function checkStx(env: VerifierEnv, insn: RawInsn, idx: number): number {
  if ((insn.code & 0xe0) === Mode.XADD) return checkXadd(env, insn);
  let e = checkRegRead(env, insn.src);
  if (e) return e;
  e = checkRegRead(env, insn.dst);
  if (e) return e;
  const dstType = env.cur.type(insn.dst);
  e = checkMemAccess(env, insn.dst, insn.off, sizeBytes(insn.code), true, insn.src);
  if (e) return e;
  return samePointerKind(env, idx, dstType);
}

/** XADD reads then writes the memory as an unknown value (no spill, no leak check). */
function checkXadd(env: VerifierEnv, insn: RawInsn): number {
  const size = insn.code & 0x18;
  if ((size !== Size.W && size !== Size.DW) || insn.imm !== 0) return fail(env, Errno.EINVAL, 'xadd_reserved');
  let e = checkRegRead(env, insn.src);
  if (e) return e;
  e = checkRegRead(env, insn.dst);
  if (e) return e;
  e = checkMemAccess(env, insn.dst, insn.off, sizeBytes(size), false, -1);
  if (e) return e;
  return checkMemAccess(env, insn.dst, insn.off, sizeBytes(size), true, -1);
}

/** ST: *(size *)(rD + off) = imm, an unknown value as far as the stack is concerned. */
export function checkSt(env: VerifierEnv, insn: RawInsn): number {
  if ((insn.code & 0xe0) !== Mode.MEM || insn.src !== 0) return fail(env, Errno.EINVAL, 'st_reserved');
  const e = checkRegRead(env, insn.dst);
  if (e) return e;
  return checkMemAccess(env, insn.dst, insn.off, sizeBytes(insn.code), true, -1);
}

/** ld_imm64: a plain constant gives an unknown value (4.8 quirk); a map fd gives the map pointer. */
export function checkLdImm(env: VerifierEnv, insn: RawInsn, idx: number): number {
  if ((insn.code & 0x18) !== Size.DW) return fail(env, Errno.EINVAL, 'ld_imm_invalid');
  if (insn.off !== 0) return fail(env, Errno.EINVAL, 'ld_imm64_reserved');
  const e = checkRegWrite(env, insn.dst, true);
  if (e) return e;
  if (insn.src === 0) return 0;
  env.cur.setMapPtr(insn.dst, CONST_PTR_TO_MAP, env.mapOf[idx]);
  return 0;
}

/** LD_ABS / LD_IND: R6 must hold the skb; R1-R5 are clobbered and R0 gets the loaded value. */
export function checkLdAbs(env: VerifierEnv, insn: RawInsn): number {
  if (!mayAccessSkb(env.progType)) {
    return fail(env, Errno.EINVAL, 'ld_abs_not_allowed');
  }
  const mode = insn.code & 0xe0;
  if (insn.dst !== 0 || insn.off !== 0 || (insn.code & 0x18) === Size.DW || (mode === Mode.ABS && insn.src !== 0)) {
    return fail(env, Errno.EINVAL, 'ld_abs_reserved');
  }
  let e = checkRegRead(env, R6);
  if (e) return e;
  if (env.cur.type(R6) !== PTR_TO_CTX) {
    return fail(env, Errno.EINVAL, 'ld_abs_r6_not_ctx');
  }
  if (mode === Mode.IND) {
    e = checkRegRead(env, insn.src);
    if (e) return e;
  }
  const st = env.cur;
  for (let r = 0; r <= 5; r++) st.markNotInit(r);
  st.markUnknown(0);
  return 0;
}
