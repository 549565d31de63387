/**
 * The typed client of the engine worker: the only app code that talks to it. Every call answers
 * an `Outcome`, even when the worker throws (an engine bug), crashes, or is restarted while the
 * call is pending; those become 'internal' errors and a status change the UI reports. `halt()`
 * interrupts a run cooperatively and, if the worker does not answer within the grace period,
 * terminates it and starts a fresh one. A watchdog greets the worker every second: a worker that
 * has not answered for longer than any command may take (it hangs, or it died without an error
 * event) is replaced the same way, and the page is told why. A deferred client starts its worker
 * at the first call or `start()` (the page starts it after its first paint).
 */
import { proxy, wrap, type Remote } from 'comlink';
import { PROTOCOL_VERSION, fail, type EngineApi, type Hello, type Outcome } from '../../src/protocol';

export type EngineStatus =
  | { kind: 'starting' }
  | { kind: 'ready'; hello: Hello; restarts: number }
  | { kind: 'failed'; message: string };

/** Why the worker was replaced: shown to the user, and tells the store to re-sync. */
export interface RestartNotice {
  reason: 'crash' | 'stop' | 'silent';
  message: string;
}

/** How the watchdog watches: how often it greets the worker, and how long an answer may take. */
export interface Watchdog {
  everyMs: number;
  /** the longest a worker may stay silent before it is replaced (asked at every look) */
  silentMs: () => number;
}

/** Longer than any command runs between two yields (a command yields within its time limit). */
const DEFAULT_WATCHDOG: Watchdog = { everyMs: 1000, silentMs: () => 30_000 };

type Methods = { [K in keyof EngineApi]: EngineApi[K] };
const METHODS = [
  'hello', 'ping', 'configure', 'assemble', 'load', 'debugStart', 'step', 'stepBack', 'goto', 'continue', 'restart',
  'interrupt', 'stop', 'snapshot', 'seek', 'maps', 'mapEntries', 'mapUpdate', 'mapDelete', 'unavailablePins', 'removeUnavailablePin', 'shell',
  'shareState', 'tracepointRecord', 'readObject', 'captureOpen', 'captureRun', 'capturePacket', 'exportProgram',
  'provenance', 'exploration', 'searchRun', 'showRun', 'gradeChallenge',
] as const satisfies readonly (keyof EngineApi)[];
// a compile-time check that METHODS names every method of EngineApi
type Missing = Exclude<keyof EngineApi, (typeof METHODS)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

type WorkerFactory = () => Worker;

interface Live {
  worker: Worker;
  remote: Remote<EngineApi>;
  /** resolves when this worker dies (crash, terminate) */
  dead: Promise<string>;
  kill: (why: string) => void;
}

export class EngineClient {
  /** the API, each method safe to call at any time */
  readonly api: Methods;
  /** the worker (null until the first call or `start()` when the client was made deferred) */
  private current: Live | null = null;
  private restarts = 0;
  private statusListeners = new Set<(s: EngineStatus) => void>();
  private restartListeners = new Set<(n: RestartNotice) => void>();
  status: EngineStatus = { kind: 'starting' };

  private watchTimer: ReturnType<typeof setInterval> | null = null;
  /** when the watchdog's greeting still unanswered was sent (null: none outstanding) */
  private greetedAt: number | null = null;

  constructor(
    private readonly factory: WorkerFactory,
    private readonly watchdog: Watchdog | null = DEFAULT_WATCHDOG,
    /** start the worker at the first call or `start()`, not now (the page's first paint goes first) */
    deferred = false,
  ) {
    const api = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of METHODS) api[name] = (...args: unknown[]) => this.call(name, args);
    this.api = api as unknown as Methods;
    if (!deferred) this.start();
    if (watchdog) this.watchTimer = setInterval(() => this.watch(watchdog), watchdog.everyMs);
  }

  /** Starts the worker, if it has not started yet. */
  start(): void {
    if (this.current) return;
    this.current = this.spawn();
    void this.greet();
  }

  /** The worker, started if need be. */
  private get live(): Live {
    this.start();
    return this.current!;
  }

  /** One look of the watchdog: greet the worker, or replace it if the last greeting is too old. */
  private watch(w: Watchdog): void {
    const live = this.current;
    if (!live) return;
    const now = Date.now();
    if (this.greetedAt === null) {
      this.greetedAt = now;
      live.remote.ping().then(
        () => {
          if (this.current === live) this.greetedAt = null;
        },
        () => undefined, // a worker that throws on ping is reported by its calls
      );
      return;
    }
    const silent = now - this.greetedAt;
    if (silent <= w.silentMs()) return;
    const s = Math.round(silent / 1000);
    this.replace({
      reason: 'silent',
      message: `The engine stopped answering for ${s} s, so it was restarted; your text, settings and pins are kept, the run was discarded.`,
    });
  }

  onStatus(cb: (s: EngineStatus) => void): () => void {
    this.statusListeners.add(cb);
    return () => this.statusListeners.delete(cb);
  }

  onRestart(cb: (n: RestartNotice) => void): () => void {
    this.restartListeners.add(cb);
    return () => this.restartListeners.delete(cb);
  }

  /** Wraps a progress callback so the worker can call it across the boundary. */
  progress<T extends (...a: never[]) => void>(fn: T): T {
    return proxy(fn);
  }

  /**
   * Interrupts whatever runs in the worker: asks it politely, and if it has not answered within
   * `graceMs`, terminates it and starts a new one (the run is lost; the editor never is).
   */
  async halt(graceMs = 60): Promise<'interrupted' | 'restarted'> {
    if (!this.current) return 'interrupted'; // nothing has run
    const live = this.current;
    const polite = live.remote.interrupt().then(() => 'interrupted' as const, () => 'failed' as const);
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs));
    const first = await Promise.race([polite, timer]);
    if (first === 'interrupted') return 'interrupted';
    this.replace({ reason: 'stop', message: 'The engine did not stop in time, so it was restarted; the run was discarded.' });
    return 'restarted';
  }

  /** Terminates the worker and starts a new one. */
  replace(notice: RestartNotice): void {
    this.greetedAt = null;
    this.live.kill(notice.message);
    this.restarts++;
    this.current = this.spawn();
    this.setStatus({ kind: 'starting' });
    void this.greet().then(() => {
      for (const l of this.restartListeners) l(notice);
    });
  }

  dispose(): void {
    if (this.watchTimer !== null) clearInterval(this.watchTimer);
    this.current?.kill('disposed');
  }

  private spawn(): Live {
    const worker = this.factory();
    let kill!: (why: string) => void;
    const dead = new Promise<string>((resolve) => {
      kill = (why: string) => {
        worker.terminate();
        resolve(why);
      };
    });
    const live: Live = { worker, remote: wrap<EngineApi>(worker), dead, kill };
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      if (this.current !== live) return;
      this.replace({ reason: 'crash', message: `The engine crashed (${e.message || 'worker error'}) and was restarted.` });
    });
    return live;
  }

  private async greet(): Promise<void> {
    const hello = (await this.call('hello', [])) as Hello | Outcome<never>;
    if ('ok' in hello) {
      this.setStatus({ kind: 'failed', message: hello.ok ? 'unexpected answer' : hello.error.message });
      return;
    }
    if (hello.protocol !== PROTOCOL_VERSION) {
      this.setStatus({ kind: 'failed', message: `engine protocol ${hello.protocol}, app expects ${PROTOCOL_VERSION}` });
      return;
    }
    this.setStatus({ kind: 'ready', hello, restarts: this.restarts });
  }

  private setStatus(s: EngineStatus): void {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  private async call(name: keyof EngineApi, args: unknown[]): Promise<unknown> {
    const live = this.live;
    const method = live.remote[name] as unknown as (...a: unknown[]) => Promise<unknown>;
    const died = live.dead.then((why) => fail('internal', `the engine stopped before answering ${name}: ${why}`));
    try {
      return await Promise.race([method(...args), died]);
    } catch (e) {
      // the engine threw: a bug in the engine, reported as a value
      return fail('internal', `engine error in ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The worker of the production app. */
export const engineWorker: WorkerFactory = () =>
  new Worker(new URL('../../src/worker/worker.ts', import.meta.url), { type: 'module', name: 'bpflab-engine' });
