/**
 * What the bench sections share: CPU-time measurement (the machine is shared, so wall clock
 * says little), the host kernel's figures through the project's oracle (tools/kernel-oracle.py),
 * a program loaded as run --json loads it, and a table printer. Prints only; asserts nothing.
 */
import { askHost, OracleFailure } from '../src/cli/host-kernel';
import { Kernel } from '../src/kernel/kernel';
import { prepareRun, type PreparedRun } from '../src/kernel/run';
import type { LoadedProg } from '../src/kernel/types';
import { loadProgram } from '../src/session/load';
import { progLoad } from '../src/verifier';
import { Machine, type Engine } from '../src/vm';

/** CPU nanoseconds this process has used (user and system). */
export function cpuNs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) * 1000;
}

/** Best-of-rounds CPU nanoseconds per call of `fn` (calls batched: reading the CPU clock is a syscall). */
export function measure(fn: () => void, rounds = 7, roundMs = 150): number {
  fn();
  let batch = 1;
  for (;;) {
    const t0 = cpuNs();
    for (let i = 0; i < batch; i++) fn();
    if (cpuNs() - t0 > 10e6 || batch > 1e7) break;
    batch *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const t0 = cpuNs();
    let used = 0;
    while (used < roundMs * 1e6) {
      for (let i = 0; i < batch; i++) fn();
      calls += batch;
      used = cpuNs() - t0;
    }
    best = Math.min(best, used / calls);
  }
  return best;
}

export interface KernelFigure {
  /** BPF_PROG_TEST_RUN's duration per run (ns), the kernel's own figure */
  ns?: number;
  retval?: number;
  /** why there is no figure */
  note?: string;
}

/** The host kernel's duration per run of a run --json request (its `run.repeat` repetitions). */
export function kernelRun(req: object): KernelFigure {
  try {
    const r = askHost([req], 120_000);
    if (!r.available) return { note: `no host kernel: ${r.why}` };
    const a = r.answers[0];
    if ('request_error' in a) return { note: `request_error: ${a.request_error}` };
    if (!a.load.ok) return { note: `kernel refused: ${a.load.error} ${a.load.log.trim().split('\n').pop()}` };
    if (!a.run?.ok) return { note: `test run failed: ${a.run?.error}` };
    return { ns: a.run.duration_ns ?? undefined, retval: a.run.retval ?? undefined };
  } catch (e) {
    if (e instanceof OracleFailure) return { note: `kernel oracle failed: ${e.message.split('\n')[0]}` };
    throw e;
  }
}

/** Loads assembly as the IDE's Load does, in a fresh kernel with the 4.8 verifier. */
export function loadText(text: string, progType: number): { k: Kernel; prog: LoadedProg } {
  const k = new Kernel({ verifier: progLoad });
  const { result, loaded } = loadProgram(k, { text, syntax: 'auto', progType, logLevel: 1, logSize: 1 << 22, privileged: true }, null);
  if (!result.ok || loaded?.progFd == null) throw new Error(`load: ${result.errnoName}\n${result.diagnostics.map((d) => d.message).join('\n')}\n${result.log ?? ''}`);
  return { k, prog: k.progOfFd(loaded.progFd)! };
}

/**
 * CPU nanoseconds per run of `prog` on `data`, repeated as run --json's run.repeat repeats it
 * (reset, run, the clock advanced, the next repetition readied), with the engine given.
 */
export function perRun(k: Kernel, prog: LoadedProg, data: Uint8Array, engine: Engine): { ns: number; retval: number; steps: number } {
  const prep = prepareRun(k, prog, { data }) as PreparedRun;
  if (!prep.ok) throw new Error('the run was refused');
  const m = new Machine(prep.host, prog, prep.init, { engine });
  const once = (): void => {
    m.reset(prep.init);
    m.run();
    prep.retire(m.stepCount);
    prep.again();
  };
  once();
  const stop = m.stopped;
  if (stop?.kind !== 'exit') throw new Error(`the program did not exit: ${JSON.stringify(stop, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  const ns = measure(once);
  const retval = Number(stop.r0 & 0xffffffffn);
  const steps = m.stepCount;
  prep.dispose();
  return { ns, retval, steps };
}

/** Prints rows as an aligned table (the first row is the header). */
export function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd());
}

/** 1234567 as "1,234,567". */
export const num = (n: number, digits = 0): string => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
