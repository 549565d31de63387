/**
 * The engine's limits on the work one command may do: how many instructions a run executes, how
 * long a run, seek, replay or request may take, and how much memory a run's recorded state may
 * hold. Each has a default and a ceiling: the IDE's settings and a `run --json` request may raise
 * a limit up to its ceiling, never past it. A limit reached stops the work with its partial
 * results and a sentence that says which limit and how to raise it; it never changes what the
 * kernel would answer for work that finishes within it. docs/limits.md lists every limit.
 */

/** A limit's default and the most it may be raised to. */
interface LimitRange {
  default: number;
  ceiling: number;
}

export const LIMITS = {
  /** instructions one debug run executes (EngineSettings.budget) */
  steps: { default: 1_000_000, ceiling: 100_000_000 },
  /** wall-clock milliseconds one IDE command (Continue, a seek, a capture replay) may take */
  timeMs: { default: 10_000, ceiling: 120_000 },
  /** MiB a debug run's recorded state (step-back history, undo journal, captured trace) may hold */
  memoryMiB: { default: 256, ceiling: 1024 },
  /** wall-clock milliseconds one `run --json` request's runs may take */
  requestTimeMs: { default: 10_000, ceiling: 600_000 },
} as const satisfies Record<string, LimitRange>;

/** Which limit stopped the work. */
export type LimitKind = 'time' | 'memory';

/** A limit reached: which one, and the sentence the user reads ("stopped after 10 s: …"). */
export interface LimitStop {
  limit: LimitKind;
  message: string;
}

/** "10 s", "1.5 s", "250 ms". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** "256 MiB", "1 GiB". */
export function mibText(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}
