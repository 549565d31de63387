/**
 * The debugger's commands: start, step, step back, go to, continue, run, restart, pause, stop,
 * over the command runner (runner.ts: one command in flight, stale answers dropped).
 */
import type { RunProgress } from './deps';
import type { ActionContext } from './context';
import type { LoadActions } from './load-actions';
import { makeCommandRunner } from './runner';
import type { State } from './state';
import { appendTerm, type TermEntry } from './terminal';
import { breakpointPcs } from './selectors';

export function makeDebugActions(c: ActionContext, loader: LoadActions) {
  const { get, set, api, port } = c;
  const { applyUpdate, runInput, start, command, settled, forget } = makeCommandRunner(c, loader);

  const live = (s: State): boolean => s.snap !== null && s.snap.state === 'paused';

  async function step(count = 1): Promise<void> {
    if (!get().snap) {
      // start() applies its own update
      await command('stepping', async () => {
        await start();
        return null;
      });
      return;
    }
    if (!live(get())) return;
    await command('stepping', () => api.step(count));
  }

  function onProgress(p: RunProgress): void {
    const s = get();
    const patch: Partial<State> = { progressStep: p.step };
    if (p.trace.length) {
      patch.term = appendTerm(s.term, ...p.trace.map((t): TermEntry => ({ kind: 'trace', text: t.line, run: p.runId, step: t.step })));
    }
    if (p.touchedMaps.length) patch.mapGen = s.mapGen + 1;
    set(patch);
  }

  async function continueRun(): Promise<void> {
    if (!get().snap) return run();
    if (!live(get())) return;
    const sink = port.progress ? port.progress(onProgress) : onProgress;
    await command('running', () => api.continue({ breakpoints: breakpointPcs(get()) }, sink));
  }

  /** Starts a fresh run and continues to a breakpoint or the end. */
  async function run(): Promise<void> {
    if (get().busy !== 'idle') return;
    const had = get().snap !== null;
    set({ snap: null, busy: 'stepping' });
    if (had) await api.stop();
    set({ busy: 'idle' }); // command() takes it at once: no moment looks idle
    let started = false;
    await command('stepping', async () => {
      started = await start();
      return null;
    });
    if (started) await continueRun();
  }

  async function restart(): Promise<void> {
    if (!get().snap) {
      await step();
      return;
    }
    if (get().busy === 'running') await pause();
    const input = await runInput();
    if (!input) return;
    await command('stepping', () => api.restart(input));
  }

  /**
   * Interrupts a run in progress; it stays paused where it got to. Resolves once the run's own
   * answer is in (the interrupt's answer comes first), so what follows finds the debugger idle.
   */
  async function pause(): Promise<void> {
    if (get().busy !== 'running') return;
    if (port.halt) await port.halt();
    else await api.interrupt();
    await settled();
  }

  /** Ends the debug run (interrupting it first if it runs). */
  async function stop(): Promise<void> {
    if (get().busy === 'running') {
      forget();
      const how = port.halt ? await port.halt() : 'interrupted';
      set({ busy: 'idle', progressStep: null });
      if (how === 'restarted') return; // onEngineRestart clears the rest
    }
    if (!get().snap) return;
    forget();
    await api.stop();
    set({ snap: null, busy: 'idle', touched: [], mapGen: get().mapGen + 1 });
    void loader.refreshMaps();
  }

  return {
    applyUpdate,
    step,
    stepBack: async (count = 1): Promise<void> => {
      const snap = get().snap;
      if (!snap || snap.step === 0) return;
      // the history gave up older steps (or the world changed since): say how far back it goes
      if (snap.backLimit && snap.step <= snap.backLimit.step) {
        c.notify('info', snap.backLimit.message);
        return;
      }
      await command('stepping', () => api.stepBack(count));
    },
    gotoStep: async (n: number): Promise<void> => {
      if (!get().snap) return;
      await command('stepping', () => api.goto(n));
    },
    continueRun,
    run,
    restart,
    pause,
    stop,
    /** makes the answer of the command in flight stale (the worker that would give it is gone) */
    forgetRun: forget,
  };
}
