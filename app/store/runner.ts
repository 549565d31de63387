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

interface Queued {
  kind: 'step' | 'back';
  count: number;
  /** the command's request to the engine, or null when there is nothing to do any more */
  run: (count: number) => Promise<Outcome<DebugUpdate> | null>;
}

export function makeCommandRunner(c: ActionContext, loader: LoadActions) {
  const { get, set, api } = c;
  let runToken = 0;
  /** the debugger command in flight (settled when none is) */
  let inflight: Promise<void> = Promise.resolve();
  /**
   * Steps asked for while another command is in flight (keys repeat faster than the page
   * paints): run in order once it is done; neighbours of one kind merge into one count.
   */
  let queue: Queued[] = [];

  function applyUpdate(u: DebugUpdate): void {
    const s = get();
    const sameRun = s.snap && s.snap.runId === u.snapshot.runId && s.snap.repetition === u.snapshot.repetition;
    // the editor follows the run from one program into another (a tail call, a new run)
    const moved = !s.snap || s.snap.progId !== u.snapshot.progId;
    const tab = moved ? (s.load?.others?.find((o) => o.progId === u.snapshot.progId)?.name ?? null) : s.programTab;
    set({
      programTab: tab,
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
    queue = []; // steps queued behind something that was not a command (a Run's stop) are stale
    set({ busy });
    const apply = async (g: () => Promise<Outcome<DebugUpdate> | null>): Promise<boolean> => {
      const r = await g();
      if (token !== runToken) return false; // stopped meanwhile
      const u = r && c.value(r);
      if (u) applyUpdate(u);
      return !r || !!u;
    };
    const done = (async () => {
      try {
        // then the steps asked for meanwhile, in order, until one fails or a stop comes
        for (let go = await apply(f); go && queue.length && token === runToken; ) {
          const q = queue.shift()!;
          go = await apply(() => q.run(q.count));
        }
      } finally {
        if (token === runToken) queue = [];
        if (token === runToken) set({ busy: 'idle', progressStep: null });
      }
    })();
    inflight = done;
    await done;
  }

  /**
   * A step (or step back) of `count`: at once when nothing is in flight, else after the steps
   * in flight (a run in progress takes none). `run` says null when there is nothing to step.
   */
  async function stepCommand(kind: Queued['kind'], count: number, run: Queued['run']): Promise<void> {
    const busy = get().busy;
    if (busy === 'running') return;
    if (busy === 'stepping') {
      const last = queue.at(-1);
      if (last?.kind === kind) last.count += count;
      else queue.push({ kind, count, run });
      return inflight;
    }
    await command('stepping', () => run(count));
  }

  return {
    applyUpdate,
    runInput,
    start,
    command,
    stepCommand,
    /** resolves once the command in flight (if any) has settled */
    settled: (): Promise<void> => inflight,
    /** makes the answer of the command in flight stale (a stop, or the worker that would give it is gone) */
    forget: (): void => {
      runToken++;
      queue = [];
    },
  };
}
