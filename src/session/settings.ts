/** Validation of the session's settings (they arrive from the UI and from shared links). */
import { LIMITS, type EngineSettings } from '../protocol';

const isInt = (n: unknown, lo: number, hi: number): boolean => Number.isInteger(n) && (n as number) >= lo && (n as number) <= hi;

/** A sentence naming the first setting out of range, or null if all are fine. */
export function checkSettings(s: EngineSettings): string | null {
  if (!isInt(s.seed, 0, 0xffffffff)) return 'seed must be an integer in 0..4294967295';
  if (!isInt(s.ncpus, 1, 64)) return 'ncpus must be an integer in 1..64';
  if (!isInt(s.cpu, 0, s.ncpus - 1)) return `cpu must be an integer in 0..${s.ncpus - 1}`;
  if (!isInt(s.budget, 1, LIMITS.steps.ceiling)) return `budget must be an integer in 1..${LIMITS.steps.ceiling}`;
  if (!isInt(s.timeLimitMs, 1, LIMITS.timeMs.ceiling)) return `timeLimitMs must be an integer in 1..${LIMITS.timeMs.ceiling}`;
  if (!isInt(s.memoryLimitMiB, 1, LIMITS.memoryMiB.ceiling)) return `memoryLimitMiB must be an integer in 1..${LIMITS.memoryMiB.ceiling}`;
  if (s.semantics !== '4.8' && s.semantics !== 'modern') return 'semantics must be "4.8" or "modern"';
  if (typeof s.verify !== 'boolean') return 'verify must be true or false';
  return null;
}
