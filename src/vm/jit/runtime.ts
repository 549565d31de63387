/**
 * What compiled code calls besides the Cpu's own methods: division (with the interpreter's
 * zero-divisor rules), atomics, and the view of the current frame's stack. Kept in one object
 * (`rt`) handed to every generated function.
 */
import { MAX_BPF_STACK } from '../../isa';
import type { Region } from '../../mem';
import { divmod32, divmod64 } from '../alu';
import { atomic } from '../atomic';
import type { Cpu } from '../cpu';

/** Scratch registers for the 64-bit helpers of alu.ts, which work on register arrays. */
const SL = new Int32Array(1);
const SH = new Int32Array(1);

let viewBytes: Uint8Array | null = null;
let view: DataView | null = null;

export const rt = {
  /** the result of the last div(): low and high halves */
  rl: 0,
  rh: 0,

  /**
   * dst = dst / b or dst % b for any width and signedness (`op` the opcode, `signed` sdiv/smod).
   * Returns 1 with the result in rl/rh, or 0 when the run stopped (a zero divisor under 4.8
   * semantics ends it, or faults where 4.8 would crash).
   */
  div(cpu: Cpu, i: number, al: number, ah: number, bl: number, bh: number, op: number, signed: number, fromReg: number): number {
    const is64 = (op & 7) === 7;
    const mod = (op & 0xf0) === 0x90;
    if (bl !== 0 || (is64 && bh !== 0)) {
      SL[0] = al;
      SH[0] = ah;
      if (is64) divmod64(SL, SH, 0, bl, bh, mod, signed === 1);
      else divmod32(SL, SH, 0, bl, mod, signed === 1);
      rt.rl = SL[0];
      rt.rh = SH[0];
      return 1;
    }
    if (cpu.modern) {
      rt.rl = mod ? al : 0;
      rt.rh = mod && is64 ? ah : 0;
      return 1;
    }
    cpu.divideByZero(i, is64, bh, fromReg === 1);
    return 0;
  },

  /** An atomic operation on the Cpu's registers (synchronised before); false when the run stopped. */
  atomic(cpu: Cpu, d: number, s: number, off: number, imm: number, size: 4 | 8): boolean {
    return atomic(cpu, d, s, off, imm, size);
  },

  /**
   * The current frame's stack when r10 points at the top of a plain 512-byte region (as every
   * frame's does), so that r10-relative accesses with constant offsets need no checks; null
   * otherwise (accesses then go through the Cpu's checked path).
   */
  stackRegion(cpu: Cpu, l10: number, h10: number): Region | null {
    const r: Region | undefined = cpu.mem.regionOfHi(h10);
    if (r === undefined || r.hooks !== undefined || !r.writable || r.size !== MAX_BPF_STACK) return null;
    if (r.bytes.length < MAX_BPF_STACK || (l10 >>> 0) !== r.lo + MAX_BPF_STACK) return null;
    return r;
  },

  /** A DataView of a stack region's bytes (the last one made is kept). */
  view(r: Region | null): DataView | null {
    if (r === null) return null;
    const b = r.bytes;
    if (b !== viewBytes) {
      viewBytes = b;
      view = new DataView(b.buffer, b.byteOffset, MAX_BPF_STACK);
    }
    return view;
  },
};

export type Runtime = typeof rt;
