/**
 * How the debugger's commands run: one at a time, each answer applied to the store only if no
 * stop or engine restart came after it was sent (its token still matches), and a fresh debug
 * run started from the input panel.
 */
import type { DebugUpdate, Outcome } from './deps';
import { bytesHex } from '../lib/format';
import type { ActionContext } from './context';
import type { LoadActions } from './load-actions';
import { reconcileTrace } from './terminal';

export function makeCommandRunner(c: ActionContext, loader: LoadActions) {
  const { get, set, api } = c;
  let runToken = 0;
  /** the debugger command in flight (settled when none is) */
  let inflight: Promise<void> = Promise.resolve();

  function applyUpdate(u: DebugUpdate): void {
    const s = get();
    const sameRun = s.snap && s.snap.runId === u.snapshot.runId && s.snap.repetition === u.snapshot.repetition;
    set({
      snap: u.snapshot,
      maxStep: sameRun ? Math.max(s.maxStep, u.snapshot.step) : u.snapshot.step,
      mapGen: s.mapGen + 1,
      touched: u.touchedKeys.map((t) => ({ mapId: t.mapId, key: bytesHex(t.key, '') })),
      term: reconcileTrace(s.term, u.snapshot.runId, u.snapshot.trace),
      progressStep: null,
    });
    if (u.touchedMaps.length) void loader.refreshMaps();
    // a limit protects the engine: say which, and that the run waits where it got to
    if (u.limit) c.notify('info', `Paused at step ${u.snapshot.step}: ${u.limit.message}.`);
  }

  /** The run input of the input panel, or null after saying why it is not valid. */
  async function runInput() {
    const input = await c.runInput();
    if (typeof input !== 'string') return input;
    c.notify('error', `The run input is not valid: ${input}`);
    return null;
  }

  async function start(): Promise<boolean> {
    if (!(await loader.ensureLoaded())) {
      if (get().load?.stage === 'load') c.notify('error', 'The program did not load: see the verifier log.');
      return false;
    }
    const input = await runInput();
    if (!input) return false;
    const u = c.value(await api.debugStart(input));
    if (!u) return false;
    applyUpdate(u);
    return true;
  }

  /** Runs a debugger command unless another one is in flight. */
  async function command(busy: 'stepping' | 'running', f: () => Promise<Outcome<DebugUpdate> | null>): Promise<void> {
    if (get().busy !== 'idle') return;
    const token = ++runToken;
    set({ busy });
    const done = (async () => {
      try {
        const r = await f();
        if (token !== runToken) return; // stopped meanwhile
        if (r) {
          const u = c.value(r);
          if (u) applyUpdate(u);
        }
      } finally {
        if (token === runToken) set({ busy: 'idle', progressStep: null });
      }
    })();
    inflight = done;
    await done;
  }

  return {
    applyUpdate,
    runInput,
    start,
    command,
    /** resolves once the command in flight (if any) has settled */
    settled: (): Promise<void> => inflight,
    /** makes the answer of the command in flight stale (a stop, or the worker that would give it is gone) */
    forget: (): void => void runToken++,
  };
}
