/**
 * The history that makes stepping back exact, in bounded memory: checkpoints and replay.
 *
 * While a run records, everything that changes goes through one journal: stores and the
 * kernel's writes save each 256-byte page they touch once per segment (mem/cow.ts), the kernel
 * pushes a small undo for each change of its own state (maps' slots, the clock, the PRNG,
 * trace_pipe, ...), and the VM for its call frames. Every `interval` steps (or sooner when a
 * segment's journal grows past SEGMENT_BYTES) the history takes a checkpoint: the Cpu's state and
 * the journal's mark. Going back to step s rewinds the journal to the last checkpoint at or
 * before s, puts back that checkpoint's Cpu state, and runs forward to s (the Machine does that
 * part: runs are deterministic). So a step back costs at most `interval` instructions of replay,
 * and memory is the pages and undos of the segments kept, not a record per instruction.
 *
 * The bytes held are counted (page copies exactly, undos as their pushers estimate them, a
 * checkpoint as CHECKPOINT_BYTES); past `capBytes` the oldest checkpoints are given up, and
 * stepping back then goes as far as the oldest one left (`oldest`, `limited`).
 */
import { Journal, PageCow } from '../mem';
import type { Cpu, CpuState } from './cpu';

/** Default bound of a history's bytes: 256 MiB. */
export const HISTORY_BYTES = 256 * 1024 * 1024;
/** Default steps between checkpoints: a step back replays at most this many instructions. */
export const CHECKPOINT_STEPS = 8192;
/**
 * A segment's journal past this many bytes (or a sixteenth of the bound, if less) ends the segment
 * early (a loop of large helper writes), so the bound is passed by little before it is settled.
 */
const SEGMENT_BYTES = 4 * 1024 * 1024;
/** What a checkpoint costs: the Cpu's registers, frames and the bookkeeping around them. */
export const CHECKPOINT_BYTES = 1536;

interface Checkpoint {
  step: number;
  mark: number;
  state: CpuState;
  /** journal bytes ever pushed and not popped when it was taken (dropped ones included) */
  bytesAt: number;
}

export class History {
  readonly journal = new Journal();
  readonly cow = new PageCow(this.journal);
  private cps: Checkpoint[] = [];
  /** index in `cps` of the oldest checkpoint kept */
  private first = 0;
  /** whether checkpoints were given up to stay under the cap since the history started */
  limited = false;
  /** journal bytes given up with dropped checkpoints */
  private dropped = 0;
  private readonly segmentBytes: number;

  constructor(
    readonly capBytes = HISTORY_BYTES,
    readonly interval = CHECKPOINT_STEPS,
  ) {
    this.segmentBytes = Math.min(SEGMENT_BYTES, Math.floor(capBytes / 16));
  }

  /** Whether there is a history (a recorded operation started it since the last reset or unrecorded run). */
  get started(): boolean {
    return this.cps.length > this.first;
  }

  /** Starts a history at the Cpu's current state (forgetting any earlier one). */
  start(cpu: Cpu): void {
    this.clear();
    this.take(cpu);
  }

  /** Forgets the history (the changes stay). Costs nothing when there is none (a reset a packet). */
  clear(): void {
    if (this.cps.length === 0 && this.journal.size === 0) return;
    this.journal.clear();
    this.cps.length = 0;
    this.first = 0;
    this.limited = false;
    this.dropped = 0;
  }

  /** The step of the oldest checkpoint kept: stepping back goes no further. */
  get oldest(): number {
    return this.cps[this.first].step;
  }

  /** The step at which the next checkpoint is due. */
  get due(): number {
    return this.cps[this.cps.length - 1].step + this.interval;
  }

  /** Bytes held: pages, undos and checkpoints. */
  get bytes(): number {
    return this.journal.bytes + (this.cps.length - this.first) * CHECKPOINT_BYTES;
  }

  /** After recorded execution: takes a checkpoint if one is due, then keeps the bytes under the cap. */
  settle(cpu: Cpu): void {
    const last = this.cps[this.cps.length - 1];
    if (cpu.executed === last.step) return;
    if (cpu.executed >= last.step + this.interval || this.journal.bytes + this.dropped - last.bytesAt > this.segmentBytes) this.take(cpu);
    while (this.bytes > this.capBytes && this.cps.length - this.first > 1) {
      this.first++;
      const before = this.journal.bytes;
      this.journal.dropBefore(this.cps[this.first].mark);
      this.dropped += before - this.journal.bytes;
      this.limited = true;
    }
    if (this.first > 64 && this.first * 2 > this.cps.length) {
      this.cps = this.cps.slice(this.first);
      this.first = 0;
    }
  }

  private take(cpu: Cpu): void {
    this.cps.push({ step: cpu.executed, mark: this.journal.mark(), state: cpu.saveState(), bytesAt: this.journal.bytes + this.dropped });
    this.cow.renew();
  }

  /**
   * Puts memory, the kernel and the Cpu back as they were at the last checkpoint at or before
   * `step` (not before the oldest) and returns that checkpoint's step; the caller replays from
   * there. Later checkpoints are forgotten. Call with the journal uninstalled.
   */
  rewind(cpu: Cpu, step: number): number {
    let k = this.cps.length - 1;
    while (k > this.first && this.cps[k].step > step) k--;
    const cp = this.cps[k];
    this.journal.rewindTo(cp.mark);
    cpu.loadState(cp.state);
    this.cps.length = k + 1;
    this.cow.renew();
    return cp.step;
  }
}
