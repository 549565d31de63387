/**
 * The runtime of the engine's limits (src/protocol/limits.ts): one `Budget` per command, asked
 * between chunks of work whether the command may go on. Long loops (Continue, seeks, capture
 * replays, a request's repetitions) run the machine a chunk at a time (`CHUNK_STEPS`
 * instructions, a few milliseconds) and stop at the first chunk boundary past a limit, keeping
 * what they did. The clock is injectable, so tests can reach a time limit without waiting.
 */
import { durationText, mibText, type LimitStop } from '../protocol';

/** Instructions run between two looks at the budget (and at the worker's messages). */
export const CHUNK_STEPS = 20_000;

export type Clock = () => number;
export const wallClock: Clock = () => performance.now();

interface BudgetLimits {
  timeMs: number;
  /** bytes the work may hold (checked against what the caller reports); none: not bounded here */
  memoryBytes?: number;
}

export class Budget {
  private readonly started: number;

  /**
   * `raise` ends each message: how the user raises the limit ("raise it in Settings, up to 120 s").
   */
  constructor(
    private readonly limits: BudgetLimits,
    private readonly raise: { time: string; memory?: string },
    private readonly clock: Clock = wallClock,
  ) {
    this.started = clock();
  }

  /** Milliseconds since the command began. */
  get elapsedMs(): number {
    return this.clock() - this.started;
  }

  /** The limit the work has reached, holding `bytes` now; null while it is within them. */
  reached(bytes = 0): LimitStop | null {
    const mem = this.limits.memoryBytes;
    if (mem !== undefined && bytes > mem) {
      return { limit: 'memory', message: `stopped at the memory limit: the run holds ${mibText(Math.round((bytes / 2 ** 20) * 10) / 10)} of history and trace lines, more than ${mibText(mem / 2 ** 20)} (${this.raise.memory ?? 'the limit'})` };
    }
    if (this.elapsedMs > this.limits.timeMs) {
      return { limit: 'time', message: `stopped after ${durationText(this.limits.timeMs)} (${this.raise.time})` };
    }
    return null;
  }
}
