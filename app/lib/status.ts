/**
 * What the status bar says, as a pure function of the store's fields: the engine, the load
 * verdict, the run's position (naming the program that runs, which after a tail call is not the
 * one loaded), how the run ended. A run's result reads as the lesson bar's expectation does.
 */
import type { DebugSnapshot, LoadResult } from '../../src/protocol';
import type { EngineStatus } from '../engine';

/** "returns 4294967295 (0xffffffff): keep all 40 bytes": BPF_PROG_TEST_RUN's retval (u32) and what it means. */
export function returnsText(retval: number, verdict?: string): string {
  const u = retval >>> 0;
  // kprobes and tracepoints have no verdict beyond the number ("r0 = 5"): say it once
  const meaning = verdict && !/^r0 = /.test(verdict) ? `: ${verdict}` : '';
  return `returns ${u} (0x${u.toString(16)})${meaning}`;
}

/** The program a snapshot stands in: its name, or its id when it has none. */
function programName(s: Pick<DebugSnapshot, 'progName' | 'progId'>): string {
  return s.progName || `prog ${s.progId}`;
}

/** "Paused at step 6 in parse_ip, pc 0 (line 3)" and the other states of a run. */
export function runText(s: DebugSnapshot, mainProgId?: number): string {
  const inOther = mainProgId !== undefined && s.progId !== mainProgId;
  const where = `${inOther ? ` in ${programName(s)}` : ''}, pc ${s.pc}${s.line ? ` (line ${s.line})` : ''}`;
  switch (s.state) {
    case 'paused':
      return `Paused at step ${s.step}${where}`;
    case 'exited': {
      const r = s.result ? returnsText(s.result.retval, s.result.verdict) : s.stop?.kind === 'exit' ? returnsText(Number(BigInt.asUintN(32, s.stop.r0))) : 'ended';
      return `Exited after ${s.step} steps${inOther ? ` in ${programName(s)}` : ''}: ${r}`;
    }
    case 'faulted':
      return `Fault at step ${s.step}${where}: ${s.stop?.kind === 'fault' ? s.stop.message : ''}`;
    case 'budget':
      return `Budget exhausted after ${s.step} steps`;
    case 'stopped':
      return `Stopped at step ${s.step}${where}`;
  }
}

interface StatusInput {
  engine: EngineStatus;
  load: LoadResult | null;
  snap: DebugSnapshot | null;
  running: boolean;
  progress: number | null;
  stale: boolean;
  opening?: boolean;
}

/** The status bar's text, and whether it reports a failure. */
export function statusOf(x: StatusInput): { text: string; bad: boolean } {
  if (x.engine.kind === 'starting') return { text: 'Starting the engine…', bad: false };
  if (x.engine.kind === 'failed') return { text: `Engine failed: ${x.engine.message}`, bad: true };
  if (x.opening) return { text: 'Opening the shared session…', bad: false };
  if (x.running) return { text: `Running…${x.progress !== null ? ` step ${x.progress}` : ''}`, bad: false };
  if (x.snap) return { text: runText(x.snap, x.load?.progId), bad: x.snap.state === 'faulted' };
  const edited = x.stale ? ' (edited since)' : '';
  if (x.load?.stage === 'assemble') return { text: 'The program does not assemble: see the markers in the editor', bad: true };
  if (x.load?.ok) return { text: `Loaded: prog id ${x.load.progId}${edited}`, bad: false };
  if (x.load) return { text: `Load failed: ${x.load.errnoName} (${x.load.errno})${edited}`, bad: true };
  return { text: 'Ready', bad: false };
}
