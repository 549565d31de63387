/**
 * Conditional jumps (4.8's check_cond_jmp_op): opcode and operand checks, the static outcome of
 * `if rX == K` / `!= K` on a known constant, the push of the taken branch, and the two things
 * 4.8 learns from a comparison: a map lookup result tested against 0 becomes a map value on the
 * non-null side, and `if pkt > pkt_end` gives every packet pointer of that id its range on the
 * fall-through side. Nothing else is learned; unprivileged loads may not compare pointers.
 */
import { Errno, JmpOp, Src, type RawInsn } from '../isa';
import { fail, pushBranch, type VerifierEnv } from './env';
import { isPointerValue } from './mem';
import { stateLine } from './print';
import { checkRegRead } from './regcheck';
import { MAX_BPF_REG, RegType, STACK_SLOTS, spilled, type VState } from './state';

const { PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_PACKET, PTR_TO_PACKET_END } = RegType;

/**
 * Checks the jump at `idx`; returns 0 or an errno. `next` receives the slot to continue with
 * minus one (the caller adds one), i.e. idx for the fall-through or idx + off for a static jump.
 */
export function checkCondJmp(env: VerifierEnv, insn: RawInsn, idx: number, next: { idx: number }): number {
  const op = insn.code & 0xf0;
  if (op > JmpOp.EXIT) return fail(env, Errno.EINVAL, 'jmp_opcode_invalid', op);
  const useX = (insn.code & Src.X) !== 0;
  if (useX) {
    if (insn.imm !== 0) return fail(env, Errno.EINVAL, 'jmp_reserved');
    const e = checkRegRead(env, insn.src);
    if (e) return e;
    if (isPointerValue(env, insn.src)) return fail(env, Errno.EACCES, 'pointer_comparison', insn.src);
  } else if (insn.src !== 0) {
    return fail(env, Errno.EINVAL, 'jmp_reserved');
  }
  const e = checkRegRead(env, insn.dst);
  if (e) return e;
  const st = env.cur;
  const dst = insn.dst;
  const dstType = st.type(dst);
  next.idx = idx;
  if (!useX && (op === JmpOp.JEQ || op === JmpOp.JNE) && st.isConst(dst, insn.imm, insn.imm >> 31)) {
    // known outcome: only one side is followed, nothing is pushed or printed
    if (op === JmpOp.JEQ) next.idx = idx + insn.off;
    return 0;
  }
  const other = pushBranch(env, idx + insn.off + 1, idx);
  if (!other) return Errno.EFAULT;
  if (!useX && insn.imm === 0 && (op === JmpOp.JEQ || op === JmpOp.JNE) && dstType === PTR_TO_MAP_VALUE_OR_NULL) {
    // only the tested register learns: 4.8 has no ids to reach its copies
    const nonNull = op === JmpOp.JEQ ? st : other;
    const isNull = op === JmpOp.JEQ ? other : st;
    nonNull.retype(dst, PTR_TO_MAP_VALUE);
    isNull.markUnknown(dst);
  } else if (useX && op === JmpOp.JGT && dstType === PTR_TO_PACKET && st.type(insn.src) === PTR_TO_PACKET_END) {
    markPacketRange(st, st.pktId(dst), st.pktOff(dst));
  } else if (isPointerValue(env, dst)) {
    return fail(env, Errno.EACCES, 'pointer_comparison', dst);
  }
  if (env.log.writable) env.log.write(stateLine(env.maps, st) + '\n');
  return 0;
}

/** find_good_pkt_pointers: every packet pointer with this id, in registers or spilled, gets range = off. */
function markPacketRange(st: VState, id: number, range: number): void {
  for (let r = 0; r < MAX_BPF_REG; r++) {
    if (st.type(r) === PTR_TO_PACKET && st.pktId(r) === id) st.setPacketRange(r, range);
  }
  for (let slot = 0; slot < STACK_SLOTS; slot++) {
    const r = spilled(slot);
    if (st.isSpilled(slot) && st.type(r) === PTR_TO_PACKET && st.pktId(r) === id) {
      st.setPacketRange(r, range);
      st.touchStack();
    }
  }
}
