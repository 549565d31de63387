/**
 * The verifier's abstract state of one path (4.8's struct bpf_verifier_state): eleven registers,
 * the 512-byte stack with a kind per byte, and the register saved in each 8-byte stack slot.
 *
 * A register is 4.8's struct bpf_reg_state:
 *
 *     struct bpf_reg_state {
 *         enum bpf_reg_type type;
 *         union {
 *             s64 imm;                          // CONST_IMM: the value; PTR_TO_STACK: the offset
 *                                               //   from fp; UNKNOWN_VALUE: the upper bits known 0
 *             struct { u32 id; u16 off; u16 range; };   // PTR_TO_PACKET
 *             struct bpf_map *map_ptr;          // CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE(_OR_NULL)
 *         };
 *     };
 *
 * and `VState` reads and writes it field by field: `type(r)`, `imm(r)` (with `immHi(r)`),
 * `knownZero(r)`, `stackOff(r)`, `pktId(r)`, `pktOff(r)`, `pktRange(r)`, `mapIndex(r)`, and the
 * writers named after 4.8's (`markUnknown`, `markNotInit`, `setConst`, ...). Underneath, a
 * register is three 32-bit words: the type, then the union's 8 bytes as two words laid out as
 * 4.8's union is in memory (imm's low and high halves; id, then off | range << 16; the map's
 * index among the program's maps instead of its address). 4.8 compares states with memcmp over
 * the union and clears it whenever it marks a register unknown; keeping the same two words means
 * pruning here sees what 4.8's memcmp sees.
 *
 * Where a register is: R0-R10 at 0-10, and the register saved in stack slot s (fp-512 + 8s) at
 * `spilled(s)` = 11 + s, so every reader and writer works on saved registers too.
 *
 * The whole state is one Int32Array (copying it for a branch is one slice; the pruning index
 * reads its words directly, see WORDS below). Non-goals: value ranges, register ids and
 * liveness (all later than 4.8).
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

export { MAX_BPF_REG, MAX_BPF_STACK };
export const BPF_REG_SIZE = 8;
/** 8-byte stack slots, slot 0 at fp-512 */
export const STACK_SLOTS = MAX_BPF_STACK / BPF_REG_SIZE;

/** Where the register saved in stack slot `slot` is (a register number beyond R10). */
export const spilled = (slot: number): number => MAX_BPF_REG + slot;

/**
 * The words of a state, for the code that compares states word by word (pruning, the analysis'
 * record): register or saved register `r` is at words 3r (type), 3r+1 and 3r+2 (the union); then
 * the stack's bytes as two bitmaps (bit b of word MASK_BASE + (b >> 5): byte b = 512 + offset
 * from fp was written; the same bit MASK_WORDS words later: it is part of a spill), then the
 * stack's version (a new number whenever the stack or a saved register changes).
 */
export const SPILL_BASE = MAX_BPF_REG * 3;
export const MASK_BASE = SPILL_BASE + STACK_SLOTS * 3;
export const MASK_WORDS = MAX_BPF_STACK / 32;
export const STACK_VERSION = MASK_BASE + 2 * MASK_WORDS;
const WORDS = STACK_VERSION + 1;
let stackVersions = 0;

export class VState {
  /** the state's words (see SPILL_BASE, MASK_BASE, STACK_VERSION) */
  readonly w: Int32Array;

  constructor(w?: Int32Array) {
    this.w = w ?? new Int32Array(WORDS);
  }

  /** The state at the start of a program: R1 = ctx, R10 = fp, all else not initialised. */
  static initial(): VState {
    const s = new VState();
    s.setPointer(1, RegType.PTR_TO_CTX);
    s.setPointer(10, RegType.FRAME_PTR);
    return s;
  }

  clone(): VState {
    return new VState(this.w.slice());
  }

  // ---- struct bpf_reg_state, read

  type(r: number): number {
    return this.w[r * 3];
  }
  /** imm (CONST_IMM, PTR_TO_STACK, UNKNOWN_VALUE), its low 32 bits; see immHi */
  imm(r: number): number {
    return this.w[r * 3 + 1];
  }
  /** imm's high 32 bits */
  immHi(r: number): number {
    return this.w[r * 3 + 2];
  }
  /** whether r is CONST_IMM with the 64-bit value lo:hi */
  isConst(r: number, lo: number, hi: number): boolean {
    const i = r * 3;
    return this.w[i] === RegType.CONST_IMM && this.w[i + 1] === lo && this.w[i + 2] === hi;
  }
  /** UNKNOWN_VALUE: how many upper bits are known to be zero (0: nothing known) */
  knownZero(r: number): number {
    return this.w[r * 3 + 1];
  }
  /** PTR_TO_STACK: the offset from fp (always a 32-bit number: fp plus an instruction's imm) */
  stackOff(r: number): number {
    return this.w[r * 3 + 1];
  }
  /** PTR_TO_PACKET: the pointer's id (0: a constant offset from the packet's start) */
  pktId(r: number): number {
    return this.w[r * 3 + 1] >>> 0;
  }
  /** PTR_TO_PACKET: the constant offset added to the packet's start */
  pktOff(r: number): number {
    return this.w[r * 3 + 2] & 0xffff;
  }
  /** PTR_TO_PACKET: how many bytes from the packet's start a bounds check proved */
  pktRange(r: number): number {
    return (this.w[r * 3 + 2] >>> 16) & 0xffff;
  }
  /** CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE(_OR_NULL): the map, as its index among the program's maps */
  mapIndex(r: number): number {
    return this.w[r * 3 + 1];
  }

  // ---- struct bpf_reg_state, written (4.8's names where it has them)

  private put(r: number, type: number, lo: number, hi: number): void {
    const i = r * 3;
    this.w[i] = type;
    this.w[i + 1] = lo;
    this.w[i + 2] = hi;
  }
  /** NOT_INIT (a helper call's R1-R5), the union cleared */
  markNotInit(r: number): void {
    this.put(r, RegType.NOT_INIT, 0, 0);
  }
  /** mark_reg_unknown_value: UNKNOWN_VALUE with the union cleared, or with `knownZero` upper bits known to be zero */
  markUnknown(r: number, knownZero = 0): void {
    this.put(r, RegType.UNKNOWN_VALUE, knownZero, 0);
  }
  /** CONST_IMM with the 64-bit value lo:hi */
  setConst(r: number, lo: number, hi: number): void {
    this.put(r, RegType.CONST_IMM, lo, hi);
  }
  /** PTR_TO_STACK at `off` from fp (sign-extended to imm's 64 bits) */
  setStackPtr(r: number, off: number): void {
    this.put(r, RegType.PTR_TO_STACK, off, off >> 31);
  }
  /** PTR_TO_PACKET */
  setPacket(r: number, id: number, off: number, range: number): void {
    this.put(r, RegType.PTR_TO_PACKET, id, (off & 0xffff) | ((range & 0xffff) << 16));
  }
  /** a PTR_TO_PACKET's range, the rest kept */
  setPacketRange(r: number, range: number): void {
    const i = r * 3 + 2;
    this.w[i] = (this.w[i] & 0xffff) | ((range & 0xffff) << 16);
  }
  /** a pointer to map `map` (CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE or PTR_TO_MAP_VALUE_OR_NULL) */
  setMapPtr(r: number, type: number, map: number): void {
    this.put(r, type, map, 0);
  }
  /** a pointer whose union says nothing: PTR_TO_CTX, FRAME_PTR, PTR_TO_PACKET_END */
  setPointer(r: number, type: number): void {
    this.put(r, type, 0, 0);
  }
  /** changes only the type (a null check makes map_value_or_null a map_value, the union kept) */
  retype(r: number, type: number): void {
    this.w[r * 3] = type;
  }
  /** copies register `from` (type and union) into `to` */
  copyReg(to: number, from: number): void {
    this.put(to, this.w[from * 3], this.w[from * 3 + 1], this.w[from * 3 + 2]);
  }

  // ---- the stack

  /** The kind (StackSlot) of stack byte `at` = 512 + offset from fp. */
  kind(at: number): number {
    const bit = 1 << (at & 31);
    if ((this.w[MASK_BASE + (at >> 5)] & bit) === 0) return StackSlot.INVALID;
    return (this.w[MASK_BASE + MASK_WORDS + (at >> 5)] & bit) === 0 ? StackSlot.MISC : StackSlot.SPILL;
  }
  /** Whether slot `slot` holds a saved register (its first byte is a spill). */
  isSpilled(slot: number): boolean {
    return this.kind(slot * BPF_REG_SIZE) === StackSlot.SPILL;
  }
  /** Saves register r in slot `slot`: its 8 bytes become spill. */
  spill(slot: number, r: number): void {
    this.touchStack();
    this.copyReg(spilled(slot), r);
    this.setStackKind(slot * BPF_REG_SIZE, BPF_REG_SIZE, StackSlot.SPILL);
  }
  /** Restores the register saved in `slot` into register r. */
  fill(r: number, slot: number): void {
    this.copyReg(r, spilled(slot));
  }
  /** Any store but a spill: bytes [at, at+size) become misc and the slot forgets its saved register. */
  storeMisc(at: number, size: number): void {
    this.touchStack();
    this.markNotInit(spilled(at >> 3));
    this.setStackKind(at, size, StackSlot.MISC);
  }
  /** A saved register changed in place (a packet range learned, packet pointers forgotten). */
  touchStack(): void {
    this.w[STACK_VERSION] = ++stackVersions;
  }
  /** Sets the kind of stack bytes [at, at+size) (at = 512 + offset), keeping the summary bits in step. */
  private setStackKind(at: number, size: number, kind: number): void {
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

/** The signed 64-bit value of an imm's halves. */
const payloadValue = (lo: number, hi: number): bigint => BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));

/** The signed 64-bit value of an imm's halves in decimal (the log's %lld), without BigInt when it fits 32 bits. */
export const payloadDecimal = (lo: number, hi: number): string => (hi === lo >> 31 ? String(lo) : payloadValue(lo, hi).toString());

/** floor(log2(x)) of the unsigned 64-bit (lo, hi), -1 for 0 (the kernel's __ilog2_u64). */
export function ilog2u64(lo: number, hi: number): number {
  if (hi !== 0) return 63 - Math.clz32(hi);
  if (lo !== 0) return 31 - Math.clz32(lo);
  return -1;
}

/** Whether the signed 64-bit (lo, hi) is greater than zero. */
export const isPositive64 = (lo: number, hi: number): boolean => hi > 0 || (hi === 0 && lo !== 0);

/** A packet pointer's offset and range from the high word of its union (for code reading the words). */
export const packetOffOf = (hi: number): number => hi & 0xffff;
export const packetRangeOf = (hi: number): number => (hi >>> 16) & 0xffff;
