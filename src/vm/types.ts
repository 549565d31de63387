/**
 * The step event: everything one instruction did, which is all the debugger renders and all
 * that stepping back undoes. Registers are full 64-bit values as bigint (events are cold data;
 * the interpreter's hot path does not build them unless recording).
 */
import type { Insn } from '../isa';
import type { Effect } from '../kernel/types';
import type { MemFault, RegionKind } from '../mem';

export interface RegWrite {
  reg: number;
  old: bigint;
  new: bigint;
}

export interface MemAccess {
  /** region name and kind, for display ("stack", "packet", "map counts value") */
  region: string;
  kind: RegionKind;
  /** byte offset inside the region */
  offset: number;
  addr: bigint;
  size: number;
}

export interface MemWrite extends MemAccess {
  old: Uint8Array;
  new: Uint8Array;
}

interface HelperCall {
  id: number;
  name: string;
  args: [bigint, bigint, bigint, bigint, bigint];
  /** R0 after the call (absent for a tail call that jumped) */
  ret?: bigint;
}

export type StopReason =
  /**
   * the program returned. `cause` is set when it did not reach an exit instruction: LD_ABS or
   * LD_IND out of the packet, or (4.8 semantics) a division or modulo by a zero register; both
   * make Linux's interpreter return 0 at once.
   */
  | { kind: 'exit'; r0: bigint; cause?: 'ld_abs' | 'div_by_zero' }
  /**
   * the run cannot go on: a bad memory access (`mem`), an instruction that cannot run, a helper
   * that refused its arguments. `pc` and `progId` name the instruction.
   */
  | { kind: 'fault'; message: string; mem?: MemFault; pc: number; progId: number }
  /** the run's instruction budget is spent (an unverified program may loop forever) */
  | { kind: 'budget'; executed: number };

/** A run that stopped without ending: at a breakpoint, or after the number of steps asked for. */
interface Pause {
  kind: 'paused';
  at: 'breakpoint' | 'limit';
}

/** What `run` and `runRecorded` report. */
export type RunResult = StopReason | Pause;

export interface StepEvent {
  /** 0-based number of this step in the run */
  step: number;
  /** the program that ran it (changes after a tail call) */
  progId: number;
  pcBefore: number;
  /** where execution continues; equal to pcBefore when the run stopped */
  pcAfter: number;
  insn: Insn;
  regs: RegWrite[];
  reads: MemAccess[];
  writes: MemWrite[];
  call?: HelperCall;
  effects: Effect[];
  /** a bpf_tail_call that jumped into another program */
  tailCall?: { fromProgId: number; toProgId: number };
  /** set when this step ended the run */
  stop?: StopReason;
}
