/**
 * Memory accesses through a register (4.8's check_mem_access): alignment, then the rules of the
 * base register's type (map value bounds, context fields per program type, stack slots with
 * spill and fill, packet range), and the effect on the register that receives a load.
 * Used by LDX, STX, ST, XADD and by helpers that write their output to the stack.
 */
import { Errno } from '../isa';
import { ctxAccess, mayWriteDirectPacket } from '../kernel/progtypes/access';
import { fail, type VerifierEnv } from './env';
import { BPF_REG_SIZE, MAX_BPF_STACK, REG_TYPE_STR, RegType, StackSlot, isPointerType, isSpillable, type VState } from './state';

const { FRAME_PTR, PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_PACKET, PTR_TO_PACKET_END, PTR_TO_STACK, UNKNOWN_VALUE } = RegType;

/** is_pointer_value: only unprivileged loads care whether a register holds a pointer. */
export const isPointerValue = (env: VerifierEnv, regno: number): boolean =>
  !env.allowPtrLeaks && isPointerType(env.cur.type(regno));

/**
 * Checks an access of `size` bytes at `off` from register `regno`. A write stores register
 * `valueReg`, or an unknown value when it is -1; a read loads into `valueReg` (if >= 0).
 * Returns 0 or the errno after printing the message.
 */
export function checkMemAccess(env: VerifierEnv, regno: number, off: number, size: number, write: boolean, valueReg: number): number {
  const st = env.cur;
  const type = st.type(regno);
  if (type === PTR_TO_STACK) off = (off + st.stackOff(regno)) | 0;
  // alignment first, whatever the base; packet data has no rule on x86-64
  if (type !== PTR_TO_PACKET && off % size !== 0) {
    return fail(env, Errno.EACCES, 'misaligned', off, size);
  }
  let err: number;
  switch (type) {
    case PTR_TO_MAP_VALUE:
      err = mapValueAccess(env, regno, off, size, write, valueReg);
      break;
    case PTR_TO_CTX:
      err = ctxMemAccess(env, off, size, write, valueReg);
      break;
    case FRAME_PTR:
    case PTR_TO_STACK:
      err = stackAccess(env, off, size, write, valueReg);
      break;
    case PTR_TO_PACKET:
      err = packetAccess(env, regno, off, size, write, valueReg);
      break;
    default:
      return fail(env, Errno.EACCES, 'invalid_mem_access', regno, REG_TYPE_STR[type]);
  }
  // 4.8 does this after writes as well: a u8/u16 store marks the stored unknown register too
  if (err === 0 && size <= 2 && valueReg >= 0 && env.allowPtrLeaks && st.type(valueReg) === UNKNOWN_VALUE) {
    st.markUnknown(valueReg, 64 - size * 8);
  }
  return err;
}

function mapValueAccess(env: VerifierEnv, regno: number, off: number, size: number, write: boolean, valueReg: number): number {
  if (write && valueReg >= 0 && isPointerValue(env, valueReg)) {
    return fail(env, Errno.EACCES, 'leak_into_map', valueReg);
  }
  const map = env.maps[env.cur.mapIndex(regno)];
  if (off < 0 || off + size > map.valueSize) {
    return fail(env, Errno.EACCES, 'map_value_access', map.valueSize, off, size);
  }
  if (!write && valueReg >= 0) env.cur.markUnknown(valueReg);
  return 0;
}

function ctxMemAccess(env: VerifierEnv, off: number, size: number, write: boolean, valueReg: number): number {
  if (write && valueReg >= 0 && isPointerValue(env, valueReg)) {
    return fail(env, Errno.EACCES, 'leak_into_ctx', valueReg);
  }
  const r = ctxAccess(env.progType, { off, size, write });
  if (r === false) return fail(env, Errno.EACCES, 'ctx_access', off, size);
  if (!write && valueReg >= 0) {
    env.cur.markUnknown(valueReg);
    // data/data_end become packet pointers (id 0, off 0, range 0) for privileged loaders only
    if (env.allowPtrLeaks && r === 'pkt') env.cur.setPacket(valueReg, 0, 0, 0);
    if (env.allowPtrLeaks && r === 'pkt_end') env.cur.setPointer(valueReg, PTR_TO_PACKET_END);
  }
  return 0;
}

function stackAccess(env: VerifierEnv, off: number, size: number, write: boolean, valueReg: number): number {
  const st = env.cur;
  if (off >= 0 || off < -MAX_BPF_STACK) return fail(env, Errno.EACCES, 'stack_access', off, size);
  if (!write) return stackRead(env, st, off, size, valueReg);
  if (!env.allowPtrLeaks && st.kind(MAX_BPF_STACK + off) === StackSlot.SPILL && size !== BPF_REG_SIZE) {
    return fail(env, Errno.EACCES, 'spill_overwrite');
  }
  return stackWrite(env, st, off, size, valueReg);
}

/** check_stack_write: a pointer is saved whole (8 bytes only); anything else is MISC bytes. */
function stackWrite(env: VerifierEnv, st: VState, off: number, size: number, valueReg: number): number {
  const at = MAX_BPF_STACK + off;
  if (valueReg >= 0 && isSpillable(st.type(valueReg))) {
    if (size !== BPF_REG_SIZE) return fail(env, Errno.EACCES, 'spill_size');
    st.spill(at >> 3, valueReg);
    return 0;
  }
  st.storeMisc(at, size);
  return 0;
}

/** check_stack_read: only the first byte's kind decides between a fill and a plain read. */
function stackRead(env: VerifierEnv, st: VState, off: number, size: number, valueReg: number): number {
  const at = MAX_BPF_STACK + off;
  if (st.kind(at) === StackSlot.SPILL) {
    if (size !== BPF_REG_SIZE) return fail(env, Errno.EACCES, 'spill_size');
    for (let i = 1; i < BPF_REG_SIZE; i++) {
      if (st.kind(at + i) !== StackSlot.SPILL) return fail(env, Errno.EACCES, 'spill_corrupted');
    }
    if (valueReg >= 0) st.fill(valueReg, at >> 3);
    return 0;
  }
  for (let i = 0; i < size; i++) {
    if (st.kind(at + i) !== StackSlot.MISC) {
      return fail(env, Errno.EACCES, 'stack_read_uninit', off, i, size);
    }
  }
  if (valueReg >= 0) st.markUnknown(valueReg);
  return 0;
}

function packetAccess(env: VerifierEnv, regno: number, off: number, size: number, write: boolean, valueReg: number): number {
  if (write && !mayWriteDirectPacket(env.progType)) return fail(env, Errno.EACCES, 'packet_write');
  if (write && valueReg >= 0 && isPointerValue(env, valueReg)) {
    return fail(env, Errno.EACCES, 'leak_into_packet', valueReg);
  }
  const st = env.cur;
  const at = off + st.pktOff(regno);
  if (at < 0 || at + size > st.pktRange(regno)) {
    return fail(env, Errno.EACCES, 'packet_access', at, size, regno, st.pktId(regno), st.pktOff(regno), st.pktRange(regno));
  }
  if (!write && valueReg >= 0) st.markUnknown(valueReg);
  return 0;
}
