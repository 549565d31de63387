/** Settings the engine keeps per session: the simulated world and how programs load and run. */
import { LIMITS } from './limits';

/**
 * The assembly syntaxes: kernel/LLVM pseudo-C (`r0 = 1`), ubpf mnemonics (`mov r0, 1`), or
 * `auto`, which decides line by line (the two can be mixed).
 */
export type Syntax = 'auto' | 'llvm' | 'ubpf';

export interface EngineSettings {
  /** seed of the simulated world (PRNG, hashes): the same seed replays the same run */
  seed: number;
  /** simulated CPU count; per-CPU maps hold one value each */
  ncpus: number;
  /** the CPU programs run on */
  cpu: number;
  /** instruction budget of one debug run (unverified programs may loop) */
  budget: number;
  /** wall-clock milliseconds one command (Continue, a seek, a capture replay) may take (LIMITS.timeMs) */
  timeLimitMs: number;
  /** MiB a debug run's recorded state may hold (LIMITS.memoryMiB) */
  memoryLimitMiB: number;
  /** division by a zero register: Linux 4.8 ends the program with r0 = 0; "modern" as 5.x+ */
  semantics: '4.8' | 'modern';
  /** false loads the program without the verifier (for experiments; the log is then empty) */
  verify: boolean;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  seed: 1,
  ncpus: 2,
  cpu: 0,
  budget: LIMITS.steps.default,
  timeLimitMs: LIMITS.timeMs.default,
  memoryLimitMiB: LIMITS.memoryMiB.default,
  semantics: '4.8',
  verify: true,
};
