/**
 * Helper calls (4.8's check_call): the helper must exist and be offered to the program type,
 * GPL-only helpers need a GPL-compatible license, R1-R5 are checked against the prototype in
 * isa's HELPERS, a raw stack output buffer is marked written, R0-R5 are clobbered and R0 gets
 * the return type, the map argument must suit the helper, and helpers that may move packet
 * data forget every packet pointer.
 */
import { BPF_FUNC_MAX_ID, Errno, type ArgKind } from '../isa';
import { helperFor } from '../kernel/progtypes/funcproto';
import { fail, type VerifierEnv } from './env';
import { checkMemAccess, isPointerValue } from './mem';
import { MAX_BPF_REG, MAX_BPF_STACK, REG_TYPE_STR, RegType, STACK_SLOTS, StackSlot, spilled } from './state';

const { CONST_IMM, CONST_PTR_TO_MAP, NOT_INIT, PTR_TO_CTX, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_PACKET, PTR_TO_PACKET_END, PTR_TO_STACK } = RegType;

/** What the argument checks learn (bpf_call_arg_meta). */
interface CallMeta {
  /** index of the map passed as CONST_MAP_PTR, -1 if none */
  map: number;
  rawMode: boolean;
  /** raw stack output: its register and size */
  rawReg: number;
  rawSize: number;
}

/** Checks `call imm` and applies its effect; 0 or an errno. */
export function checkCall(env: VerifierEnv, funcId: number): number {
  if (funcId < 0 || funcId >= BPF_FUNC_MAX_ID) return fail(env, Errno.EINVAL, 'func_invalid', funcId);
  const fn = helperFor(env.progType, funcId, env.allowPtrLeaks);
  if (!fn) return fail(env, Errno.EINVAL, 'func_unknown', funcId);
  if (!env.gplCompatible && fn.gplOnly) return fail(env, Errno.EINVAL, 'gpl_only');
  const meta: CallMeta = { map: -1, rawMode: false, rawReg: -1, rawSize: 0 };
  for (let i = 0; i < 5; i++) {
    const e = checkArg(env, i + 1, fn.args[i], meta);
    if (e) return e;
  }
  for (let i = 0; i < meta.rawSize; i++) {
    const e = checkMemAccess(env, meta.rawReg, i, 1, true, -1);
    if (e) return e;
  }
  const st = env.cur;
  for (let r = 0; r <= 5; r++) st.markNotInit(r);
  if (fn.ret === 'integer') st.markUnknown(0);
  else if (fn.ret === 'map_value_or_null') {
    if (meta.map < 0) return fail(env, Errno.EINVAL, 'misconfigured_ret');
    st.setMapPtr(0, PTR_TO_MAP_VALUE_OR_NULL, meta.map);
  }
  if (meta.map >= 0) {
    const map = env.maps[meta.map];
    if (!fn.mapTypes?.includes(map.mapType)) {
      return fail(env, Errno.EINVAL, 'map_type_for_func', map.mapType, funcId);
    }
  }
  if (fn.invalidatesPacket) clearPacketPointers(env);
  return 0;
}

/** The register type an argument kind asks for. */
function expectedType(kind: ArgKind): number {
  switch (kind) {
    case 'ptr_to_map_key':
    case 'ptr_to_map_value':
    case 'ptr_to_stack':
    case 'ptr_to_raw_stack':
      return PTR_TO_STACK;
    case 'const_stack_size':
    case 'const_stack_size_or_zero':
      return CONST_IMM;
    case 'const_map_ptr':
      return CONST_PTR_TO_MAP;
    default:
      return PTR_TO_CTX;
  }
}

/** check_func_arg for register `r`. */
function checkArg(env: VerifierEnv, r: number, kind: ArgKind, meta: CallMeta): number {
  if (kind === 'dontcare') return 0;
  const st = env.cur;
  const type = st.type(r);
  if (type === NOT_INIT) return fail(env, Errno.EACCES, 'reg_not_init', r);
  if (kind === 'anything') {
    return isPointerValue(env, r) ? fail(env, Errno.EACCES, 'leak_into_helper', r) : 0;
  }
  let expected = expectedType(kind);
  if (kind === 'ptr_to_stack' || kind === 'ptr_to_raw_stack') {
    // NULL (the constant 0) passes here; the size check decides whether it is allowed
    if (st.isConst(r, 0, 0)) expected = CONST_IMM;
    meta.rawMode = kind === 'ptr_to_raw_stack';
  }
  if (type !== expected) {
    return fail(env, Errno.EACCES, 'arg_type', r, REG_TYPE_STR[type], REG_TYPE_STR[expected]);
  }
  switch (kind) {
    case 'const_map_ptr':
      meta.map = st.mapIndex(r);
      return 0;
    case 'ptr_to_map_key':
    case 'ptr_to_map_value': {
      if (meta.map < 0) return fail(env, Errno.EACCES, kind === 'ptr_to_map_key' ? 'map_ptr_for_key' : 'map_ptr_for_value');
      const m = env.maps[meta.map];
      return checkStackBoundary(env, r, kind === 'ptr_to_map_key' ? m.keySize : m.valueSize, false, null);
    }
    case 'const_stack_size':
    case 'const_stack_size_or_zero':
      // the buffer is the previous argument; the size is used as a 32-bit int
      return checkStackBoundary(env, r - 1, st.imm(r), kind === 'const_stack_size_or_zero', meta);
    default:
      return 0;
  }
}

/** check_stack_boundary: [off, off+size) of a stack pointer argument lies in the stack and is initialised. */
function checkStackBoundary(env: VerifierEnv, r: number, size: number, zeroAllowed: boolean, meta: CallMeta | null): number {
  const st = env.cur;
  const type = st.type(r);
  if (type !== PTR_TO_STACK) {
    if (zeroAllowed && size === 0 && st.isConst(r, 0, 0)) return 0;
    return fail(env, Errno.EACCES, 'arg_type', r, REG_TYPE_STR[type], REG_TYPE_STR[PTR_TO_STACK]);
  }
  const off = st.stackOff(r);
  if (off >= 0 || off < -MAX_BPF_STACK || off + size > 0 || size <= 0) {
    return fail(env, Errno.EACCES, 'stack_arg_range', r, off, size);
  }
  if (meta && meta.rawMode) {
    meta.rawReg = r;
    meta.rawSize = size;
    return 0;
  }
  for (let i = 0; i < size; i++) {
    if (st.kind(MAX_BPF_STACK + off + i) !== StackSlot.MISC) {
      return fail(env, Errno.EACCES, 'stack_arg_uninit', off, i, size);
    }
  }
  return 0;
}

/** clear_all_pkt_pointers: registers and spilled slots holding packet pointers become unknown. */
function clearPacketPointers(env: VerifierEnv): void {
  const st = env.cur;
  for (let r = 0; r < MAX_BPF_REG; r++) {
    const t = st.type(r);
    if (t === PTR_TO_PACKET || t === PTR_TO_PACKET_END) st.markUnknown(r);
  }
  for (let slot = 0; slot < STACK_SLOTS; slot++) {
    if (!st.isSpilled(slot)) continue;
    const t = st.type(spilled(slot));
    if (t !== PTR_TO_PACKET && t !== PTR_TO_PACKET_END) continue;
    st.markUnknown(spilled(slot));
    st.touchStack();
  }
}
