/**
 * Session: one user's world behind the EngineApi. It owns a simulated kernel (with the 4.8
 * verifier and, in the browser, bpffs kept in IndexedDB), the loaded program and at most one
 * debug run, and answers every request with plain data. The worker exposes it; Node tests and the
 * CLI call it directly. An exception inside is a bug: it is reported as an 'internal' error.
 *
 * Until an engine module has landed, the requests that need it answer `unavailable` naming the
 * module: never a made-up result.
 */
import { assemble } from '../asm';
import { Kernel } from '../kernel/kernel';
import { runShell } from '../kernel/shell';
import type { StoragePort } from '../kernel/storage';
import { progLoad } from '../verifier';
import {
  DEFAULT_SETTINGS,
  PROTOCOL_VERSION,
  fail,
  done,
  type AssembleRequest,
  type AssembleResult,
  type ContinueOptions,
  type DebugSnapshot,
  type DebugUpdate,
  type EngineApi,
  type EngineModule,
  type EngineSettings,
  type Hello,
  type LoadRequest,
  type LoadResult,
  type MapDeleteRequest,
  type MapEditResult,
  type MapInfo,
  type MapPage,
  type MapPageRequest,
  type MapUpdateRequest,
  type Outcome,
  type ProgressSink,
  type RunInput,
  type ShellResult,
} from '../protocol';
import { asmDiagnostics, loadProgram, programView, type Loaded } from './load';
import { listMaps, mapEdit, mapPage } from './maps';
import { checkSettings } from './settings';

/** Which engine modules this build wires. */
export const MODULES: Record<EngineModule, boolean> = {
  asm: true,
  kernel: true,
  verifier: true,
  vm: false,
  run: false,
  shell: true,
};

const unavailable = <T>(module: EngineModule, what: string): Outcome<T> =>
  fail('unavailable', `${what} is not available yet: the ${module} module has not landed in this build`, module);

/** Runs `f`, turning an exception (a bug) into an 'internal' error value. */
async function guard<T>(what: string, f: () => Promise<Outcome<T>> | Outcome<T>): Promise<Outcome<T>> {
  try {
    return await f();
  } catch (e) {
    return fail('internal', `internal error in ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface SessionOptions {
  settings?: Partial<EngineSettings>;
  /** where bpffs keeps pinned objects (IndexedDB in the browser); none: they live as long as the session */
  storage?: StoragePort;
}

export class Session implements EngineApi {
  private settings: EngineSettings;
  private readonly storage: StoragePort | undefined;
  private kernelP: Promise<Kernel> | null = null;
  /** the world's seed or CPU count changed: the next load boots a new kernel */
  private stale = false;
  private loaded: Loaded | null = null;

  constructor(opts: SessionOptions = {}) {
    this.settings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.storage = opts.storage;
  }

  /** The kernel, booted on first use (restoring pinned objects from the storage). */
  private kernel(): Promise<Kernel> {
    if (!this.kernelP) this.kernelP = this.boot();
    return this.kernelP;
  }

  private async boot(): Promise<Kernel> {
    const opts = { seed: this.settings.seed, ncpus: this.settings.ncpus, verifier: progLoad };
    const k = this.storage ? await Kernel.restore({ ...opts, storage: this.storage }) : new Kernel(opts);
    k.world.cpu = this.settings.cpu;
    return k;
  }

  /** Boots a new kernel if the world's settings changed (pinned objects come back from storage). */
  private async fresh(): Promise<Kernel> {
    if (this.stale && this.kernelP) {
      const old = await this.kernelP;
      await old.sync();
      this.kernelP = null;
      this.loaded = null;
      this.stale = false;
    }
    const k = await this.kernel();
    k.verifier = this.settings.verify ? progLoad : undefined;
    k.world.cpu = this.settings.cpu;
    return k;
  }

  async hello(): Promise<Hello> {
    return { protocol: PROTOCOL_VERSION, modules: { ...MODULES }, settings: { ...this.settings } };
  }

  async configure(patch: Partial<EngineSettings>): Promise<Outcome<EngineSettings>> {
    const next = { ...this.settings, ...patch };
    const problem = checkSettings(next);
    if (problem) return fail('bad_request', problem);
    if (next.seed !== this.settings.seed || next.ncpus !== this.settings.ncpus) this.stale = true;
    this.settings = next;
    return done({ ...next });
  }

  async assemble(req: AssembleRequest): Promise<Outcome<AssembleResult>> {
    return guard('assemble', () => {
      if (typeof req?.text !== 'string') return fail('bad_request', 'assemble needs the text');
      const r = assemble(req.text, { syntax: req.syntax });
      return done(r.ok ? { ok: true as const, program: programView(r.program), diagnostics: asmDiagnostics(r.diagnostics) } : { ok: false as const, diagnostics: asmDiagnostics(r.diagnostics) });
    });
  }

  async load(req: LoadRequest): Promise<Outcome<LoadResult>> {
    return guard('load', async () => {
      if (typeof req?.text !== 'string') return fail('bad_request', 'load needs the text');
      const k = await this.fresh();
      this.endRun();
      const { result, loaded } = loadProgram(k, req, this.loaded);
      this.loaded = loaded;
      result.maps = listMaps(k);
      k.scheduleSync();
      return done(result);
    });
  }

  /** Ends the debug run, if any (the run module wires this). */
  private endRun(): void {}

  async debugStart(_input: RunInput): Promise<Outcome<DebugUpdate>> {
    return unavailable('run', 'Debugging');
  }

  async step(_count = 1): Promise<Outcome<DebugUpdate>> {
    return unavailable('run', 'Stepping');
  }

  async stepBack(_count = 1): Promise<Outcome<DebugUpdate>> {
    return unavailable('run', 'Stepping back');
  }

  async goto(_n: number): Promise<Outcome<DebugUpdate>> {
    return unavailable('run', 'Moving to a step');
  }

  async continue(_opts: ContinueOptions, _progress?: ProgressSink): Promise<Outcome<DebugUpdate>> {
    return unavailable('run', 'Running');
  }

  async restart(): Promise<Outcome<DebugUpdate>> {
    return unavailable('run', 'Restarting');
  }

  async interrupt(): Promise<Outcome<null>> {
    return done(null);
  }

  async stop(): Promise<Outcome<null>> {
    this.endRun();
    return done(null);
  }

  async snapshot(): Promise<Outcome<DebugSnapshot>> {
    return fail('no_run', 'no debug run: start one with Step or Run');
  }

  async maps(): Promise<Outcome<MapInfo[]>> {
    return guard('maps', async () => done(listMaps(await this.kernel())));
  }

  async mapEntries(req: MapPageRequest): Promise<Outcome<MapPage>> {
    return guard('mapEntries', async () => {
      const page = mapPage(await this.kernel(), req?.mapId, req?.offset ?? 0, req?.limit ?? 100);
      return typeof page === 'string' ? fail('bad_request', page) : done(page);
    });
  }

  async mapUpdate(req: MapUpdateRequest): Promise<Outcome<MapEditResult>> {
    return guard('mapUpdate', async () => {
      if (!(req?.key instanceof Uint8Array) || !(req.value instanceof Uint8Array)) return fail('bad_request', 'a map update needs key and value bytes');
      const k = await this.kernel();
      const r = mapEdit(k, req.mapId, req.key, req.value, req.flags ?? 0);
      k.scheduleSync();
      return done(r);
    });
  }

  async mapDelete(req: MapDeleteRequest): Promise<Outcome<MapEditResult>> {
    return guard('mapDelete', async () => {
      if (!(req?.key instanceof Uint8Array)) return fail('bad_request', 'a map delete needs key bytes');
      const k = await this.kernel();
      const r = mapEdit(k, req.mapId, req.key, null);
      k.scheduleSync();
      return done(r);
    });
  }

  async shell(line: string): Promise<Outcome<ShellResult>> {
    return guard('shell', async () => {
      if (typeof line !== 'string') return fail('bad_request', 'the shell needs a line');
      const k = await this.kernel();
      const r = runShell(k, line);
      k.scheduleSync();
      return done({ output: r.output, status: r.exitCode });
    });
  }

  /** Waits until pinned objects are written to the storage (tests, and before a reload). */
  async flush(): Promise<void> {
    if (this.kernelP) await (await this.kernelP).sync();
  }
}
