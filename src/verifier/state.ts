/**
 * The verifier's abstract state of one path: eleven registers, each a type and an 8-byte
 * payload, and the 512-byte stack: one kind per byte (invalid, misc, spill; kept as two bitmaps,
 * "written" and "spill", which also make the pruning comparison a few word operations) plus a
 * saved register per 8-byte slot.
 *
 * Linux 4.8 keeps the payload as one union (imm | {id, off, range} | map pointer) and compares
 * states byte for byte, so the payload here is two 32-bit words with the same meaning per type:
 *   CONST_IMM, PTR_TO_STACK   lo:hi = the signed 64-bit value / offset from fp
 *   UNKNOWN_VALUE             lo = number of upper bits known to be zero (0: nothing known)
 *   PTR_TO_PACKET             lo = id, hi = off | range << 16
 *   map types                 lo = index of the map among the program's used maps
 *   everything else           0
 * A state is one Int32Array, so that copying it for a branch or for pruning is one slice.
 * Non-goals: value ranges, register ids and liveness (all later than 4.8).
 */

import { MAX_BPF_REG, MAX_BPF_STACK } from '../isa';

/** enum bpf_reg_type of Linux 4.8, in its order. */
export const RegType = {
  NOT_INIT: 0,
  UNKNOWN_VALUE: 1,
  PTR_TO_CTX: 2,
  CONST_PTR_TO_MAP: 3,
  PTR_TO_MAP_VALUE: 4,
  PTR_TO_MAP_VALUE_OR_NULL: 5,
  FRAME_PTR: 6,
  PTR_TO_STACK: 7,
  CONST_IMM: 8,
  PTR_TO_PACKET: 9,
  PTR_TO_PACKET_END: 10,
} as const;
export type RegTypeValue = (typeof RegType)[keyof typeof RegType];
export type RegTypeName = keyof typeof RegType;

/** The kernel's enum names, by value. */
export const REG_TYPE_NAMES: readonly RegTypeName[] = Object.keys(RegType) as RegTypeName[];

/** 4.8's reg_type_str: the names messages and the state line print. */
export const REG_TYPE_STR: readonly string[] = [
  '?',
  'inv',
  'ctx',
  'map_ptr',
  'map_value',
  'map_value_or_null',
  'fp',
  'fp',
  'imm',
  'pkt',
  'pkt_end',
];

/** Kind of one stack byte (enum bpf_stack_slot_type). */
export const StackSlot = { INVALID: 0, SPILL: 1, MISC: 2 } as const;

// isa's constants, re-exported with the layout they size
export { MAX_BPF_REG, MAX_BPF_STACK };
export const BPF_REG_SIZE = 8;
const SLOTS = MAX_BPF_STACK / BPF_REG_SIZE;
/** word index of the first spilled register (slot 0 is fp-512) */
export const SPILL_BASE = MAX_BPF_REG * 3;
/** word index of the stack summary: 16 words of "byte written" bits, then 16 of "byte is spill" bits */
export const MASK_BASE = SPILL_BASE + SLOTS * 3;
export const MASK_WORDS = MAX_BPF_STACK / 32;
/** word index of the stack's version: a new number whenever the stack or a spilled register changes */
export const STACK_VERSION = MASK_BASE + 2 * MASK_WORDS;
const WORDS = STACK_VERSION + 1;
let stackVersions = 0;

/**
 * One path's state. Registers and spilled registers are (type, lo, hi) triples in `w`; the kind
 * of each stack byte is two bits of the summary (written, spill): invalid, misc or spill.
 */
export class VState {
  /** registers at 3*r, spilled registers at SPILL_BASE + 3*slot, then the stack summary */
  readonly w: Int32Array;

  constructor(w?: Int32Array) {
    this.w = w ?? new Int32Array(WORDS);
  }

  /** The state at the start of a program: R1 = ctx, R10 = fp, all else not initialised. */
  static initial(): VState {
    const s = new VState();
    s.w[1 * 3] = RegType.PTR_TO_CTX;
    s.w[10 * 3] = RegType.FRAME_PTR;
    return s;
  }

  clone(): VState {
    return new VState(this.w.slice());
  }

  /** The kind (StackSlot) of stack byte `at` = 512 + offset from fp. */
  kind(at: number): number {
    const bit = 1 << (at & 31);
    if ((this.w[MASK_BASE + (at >> 5)] & bit) === 0) return StackSlot.INVALID;
    return (this.w[MASK_BASE + MASK_WORDS + (at >> 5)] & bit) === 0 ? StackSlot.MISC : StackSlot.SPILL;
  }

  type(r: number): number {
    return this.w[r * 3];
  }
  lo(r: number): number {
    return this.w[r * 3 + 1];
  }
  hi(r: number): number {
    return this.w[r * 3 + 2];
  }
  set(r: number, type: number, lo: number, hi: number): void {
    const i = r * 3;
    this.w[i] = type;
    this.w[i + 1] = lo;
    this.w[i + 2] = hi;
  }
  /** mark_reg_unknown_value: UNKNOWN with the whole payload cleared */
  unknown(r: number): void {
    this.set(r, RegType.UNKNOWN_VALUE, 0, 0);
  }
  /** copies register `from` (type and payload) into `to` */
  copyReg(to: number, from: number): void {
    this.set(to, this.w[from * 3], this.w[from * 3 + 1], this.w[from * 3 + 2]);
  }
  /** saves register r as the spilled register of slot `slot` */
  spill(slot: number, r: number): void {
    this.touchStack();
    const i = SPILL_BASE + slot * 3;
    this.w[i] = this.w[r * 3];
    this.w[i + 1] = this.w[r * 3 + 1];
    this.w[i + 2] = this.w[r * 3 + 2];
  }
  /** restores the spilled register of `slot` into register r */
  fill(r: number, slot: number): void {
    const i = SPILL_BASE + slot * 3;
    this.set(r, this.w[i], this.w[i + 1], this.w[i + 2]);
  }
  /** Marks the stack changed (states with equal versions have equal stacks: the analysis shares them). */
  touchStack(): void {
    this.w[STACK_VERSION] = ++stackVersions;
  }
  /** Sets the kind of stack bytes [at, at+size) (at = 512 + offset), keeping the summary bits in step. */
  setStackKind(at: number, size: number, kind: number): void {
    this.touchStack();
    const w = this.w;
    for (let b = at; b < at + size; b++) {
      const i = b >> 5;
      const bit = 1 << (b & 31);
      if (kind === StackSlot.INVALID) w[MASK_BASE + i] &= ~bit;
      else w[MASK_BASE + i] |= bit;
      if (kind === StackSlot.SPILL) w[MASK_BASE + MASK_WORDS + i] |= bit;
      else w[MASK_BASE + MASK_WORDS + i] &= ~bit;
    }
  }
  clearSpill(slot: number): void {
    this.touchStack();
    const i = SPILL_BASE + slot * 3;
    this.w[i] = 0;
    this.w[i + 1] = 0;
    this.w[i + 2] = 0;
  }
}

/** Whether a register of this type counts as a pointer for the unprivileged rules. */
export const isPointerType = (t: number): boolean => t !== RegType.UNKNOWN_VALUE && t !== RegType.CONST_IMM;

/** Types whose full state a stack store saves (is_spillable_regtype). */
export function isSpillable(t: number): boolean {
  switch (t) {
    case RegType.PTR_TO_MAP_VALUE:
    case RegType.PTR_TO_MAP_VALUE_OR_NULL:
    case RegType.PTR_TO_STACK:
    case RegType.PTR_TO_CTX:
    case RegType.PTR_TO_PACKET:
    case RegType.PTR_TO_PACKET_END:
    case RegType.FRAME_PTR:
    case RegType.CONST_PTR_TO_MAP:
      return true;
    default:
      return false;
  }
}

export const pktOff = (hi: number): number => hi & 0xffff;
export const pktRange = (hi: number): number => (hi >>> 16) & 0xffff;
export const pktHi = (off: number, range: number): number => (off & 0xffff) | ((range & 0xffff) << 16);

/** An old packet pointer covers a current one (same id; old allows no more than current). */
function pktCovers(ow: Int32Array, oi: number, cw: Int32Array, ci: number): boolean {
  if (ow[oi + 1] !== cw[ci + 1]) return false;
  const oOff = pktOff(ow[oi + 2]);
  const oRange = pktRange(ow[oi + 2]);
  const cOff = pktOff(cw[ci + 2]);
  const cRange = pktRange(cw[ci + 2]);
  if (oOff === cOff && oRange < cRange) return true;
  return oOff <= cOff && oOff >= oRange && cOff >= cRange;
}

/** How many stack bytes the state has written (a remembered state must not have more to cover another). */
export function writtenBytes(w: Int32Array): number {
  let n = 0;
  for (let k = 0; k < MASK_WORDS; k++) {
    let x = w[MASK_BASE + k];
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return n;
}

/**
 * The register half of 4.8's states_equal, on the (type, lo, hi) words of both states: whether
 * the remembered (old) registers cover the current ones. Note the 4.8 weakness kept on purpose:
 * an old UNKNOWN register covers any initialised current register, pointers included.
 */
export function regsCover(ow: Int32Array, cw: Int32Array): boolean {
  for (let i = 0; i < SPILL_BASE; i += 3) {
    const ot = ow[i];
    const ct = cw[i];
    if (ot === ct && ow[i + 1] === cw[i + 1] && ow[i + 2] === cw[i + 2]) continue;
    if (ot === RegType.NOT_INIT) continue;
    if (ot === RegType.UNKNOWN_VALUE && ct !== RegType.NOT_INIT) continue;
    if (ot === RegType.PTR_TO_PACKET && ct === RegType.PTR_TO_PACKET && pktCovers(ow, i, cw, i)) continue;
    return false;
  }
  return true;
}

/**
 * The stack half of states_equal: every byte old wrote, cur wrote with the same kind, and the
 * saved registers of old's spilled slots are identical. Works on the summary bits (a slot whose
 * first byte is misc has its saved register cleared in both states, so only spilled slots are
 * compared); old's summary bits are at `om[ob..ob+32)` (a compact copy), its words in `ow`.
 */
export function stackCoversMasks(om: Int32Array, ob: number, ow: Int32Array, cw: Int32Array): boolean {
  for (let k = 0; k < MASK_WORDS; k++) {
    const oWritten = om[ob + k];
    if (oWritten === 0) continue;
    if ((oWritten & ~cw[MASK_BASE + k]) !== 0) return false;
    const oSpill = om[ob + MASK_WORDS + k];
    if (((oSpill ^ cw[MASK_BASE + MASK_WORDS + k]) & oWritten) !== 0) return false;
    if (oSpill === 0) continue;
    for (let j = 0; j < 4; j++) {
      if ((oSpill & (1 << (j * 8))) === 0) continue;
      const i = SPILL_BASE + (k * 4 + j) * 3;
      if (ow[i] !== cw[i] || ow[i + 1] !== cw[i + 1] || ow[i + 2] !== cw[i + 2]) return false;
    }
  }
  return true;
}

/** The signed 64-bit value of a (lo, hi) payload. */
export const payloadValue = (lo: number, hi: number): bigint => BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));

/** The signed 64-bit value of a (lo, hi) payload in decimal (the log's %lld), without BigInt when it fits 32 bits. */
export const payloadDecimal = (lo: number, hi: number): string => (hi === lo >> 31 ? String(lo) : payloadValue(lo, hi).toString());

/** floor(log2(x)) of the unsigned 64-bit (lo, hi), -1 for 0 (the kernel's __ilog2_u64). */
export function ilog2u64(lo: number, hi: number): number {
  if (hi !== 0) return 63 - Math.clz32(hi);
  if (lo !== 0) return 31 - Math.clz32(lo);
  return -1;
}

/** Whether the signed 64-bit (lo, hi) is greater than zero. */
export const isPositive64 = (lo: number, hi: number): boolean => hi > 0 || (hi === 0 && lo !== 0);
