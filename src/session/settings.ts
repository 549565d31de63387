/** Validation of the session's settings (they arrive from the UI and from shared links). */
import type { EngineSettings } from '../protocol';

const isInt = (n: unknown, lo: number, hi: number): boolean => Number.isInteger(n) && (n as number) >= lo && (n as number) <= hi;

/** A sentence naming the first setting out of range, or null if all are fine. */
export function checkSettings(s: EngineSettings): string | null {
  if (!isInt(s.seed, 0, 0xffffffff)) return 'seed must be an integer in 0..4294967295';
  if (!isInt(s.ncpus, 1, 64)) return 'ncpus must be an integer in 1..64';
  if (!isInt(s.cpu, 0, s.ncpus - 1)) return `cpu must be an integer in 0..${s.ncpus - 1}`;
  if (!isInt(s.budget, 1, 100_000_000)) return 'budget must be an integer in 1..100000000';
  if (s.semantics !== '4.8' && s.semantics !== 'modern') return 'semantics must be "4.8" or "modern"';
  if (typeof s.verify !== 'boolean') return 'verify must be true or false';
  return null;
}
