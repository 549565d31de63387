/**
 * Session: one user's world behind the EngineApi. It owns a simulated kernel (with the 4.8
 * verifier and, in the browser, bpffs kept in IndexedDB), the loaded program and at most one
 * debug run, and answers every request with plain data. The worker exposes it; Node tests and the
 * CLI call it directly. An exception inside is a bug: it is reported as an 'internal' error.
 * Requests that make no sense answer 'bad_request'; run commands without a run 'no_run'.
 */
import { assemble } from '../asm';
import { Kernel } from '../kernel/kernel';
import { Journal } from '../mem';
import { runShell } from '../kernel/shell';
import type { LoadedProg } from '../kernel/types';
import { PROG_TYPE_NAMES } from '../isa';
import { progTypeInfos, progTypeOps } from '../kernel/progtypes';
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
  type EngineSettings,
  type Hello,
  type LoadRequest,
  type LoadResult,
  type MapDeleteRequest,
  type MapEditResult,
  type MapInfo,
  type MapPage,
  type MapPageRequest,
  type UnavailablePinView,
  type MapUpdateRequest,
  type Outcome,
  type ProgressSink,
  type RunInput,
  type ShellResult,
  type CaptureInfo,
  type CaptureProgress,
  type CaptureReplay,
  type CaptureRunRequest,
  type ExportRequest,
  type ExportResult,
  type ObjectView,
  type ReadObjectRequest,
  type ShareState,
  type TracepointRecordRequest,
  type ExplorationView,
  type ProvenanceRequest,
  type ProvenanceView,
  type RunSearchRequest,
  type RunSearchResult,
  type ShownRun,
  type GradeRequest,
  type GradeResult,
  type LimitStop,
  LIMITS,
  durationText,
  mibText,
} from '../protocol';
import { gradeChallenge } from '../challenges';
import { Budget, wallClock, type Clock } from './budget';
import { DebugRun } from './debug';
import { asmDiagnostics, loadProgram, type Loaded } from './load';
import { programView } from './analysis';
import { listMaps, listUnavailable, mapEdit, mapPage } from './maps';
import { checkSettings } from './settings';
import { CaptureReplayer } from './capture';
import { exportProgram, objectView, tracepointRecord } from './io';
import { sharedMaps } from './share';
import { MAX_REPEAT } from './request-schema';
import { parseCapture, type Capture } from '../pcap';
import { explorationOf, loadUnverified, provenanceOf, searchOf } from './insight';

/**
 * Milliseconds a Continue or a seek runs between looks at its messages (Pause, Stop), its budget
 * and progress reports (in chunks of instructions that grow while they are quick).
 */
const SLICE_MS = 15;
const PROGRESS_MS = 100;
/** Steps a command takes one at a time, building each step's event; more go as a seek, in chunks. */
const EVENT_STEPS = 1000;
/** How the IDE's limits are raised, for the messages of a limit reached. */
const IDE_RAISE = {
  time: `the time limit of one command; raise it in the settings, up to ${durationText(LIMITS.timeMs.ceiling)}, or go on from here`,
  memory: `raise the memory limit in the settings, up to ${mibText(LIMITS.memoryMiB.ceiling)}`,
};

/** Lets the worker take its messages (an interrupt) between chunks of a long run. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

function checkInput(input: RunInput): string | null {
  if (typeof input !== 'object' || input === null) return 'the run input must be an object';
  if (input.packet !== undefined && !(input.packet instanceof Uint8Array)) return 'packet must be bytes';
  if (input.ctx !== undefined && !(input.ctx instanceof Uint8Array)) return 'ctx must be bytes';
  if (input.repeat !== undefined && (!Number.isInteger(input.repeat) || input.repeat < 1 || input.repeat > MAX_REPEAT)) return `repeat must be 1..${MAX_REPEAT}`;
  return null;
}

const noRun = <T>(): Outcome<T> => fail('no_run', 'no debug run: start one with Step or Run');
/** A count of steps from the UI: a whole number, at least 1. */
const stepsOf = (count: number): number => Math.max(1, Math.floor(count) || 1);

/** Runs `f`, turning an exception (a bug) into an 'internal' error value. */
async function guard<T>(what: string, f: () => Promise<Outcome<T>> | Outcome<T>): Promise<Outcome<T>> {
  try {
    return await f();
  } catch (e) {
    return fail('internal', `internal error in ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

interface SessionOptions {
  settings?: Partial<EngineSettings>;
  /** the clock the time limits are measured with (tests make time pass faster) */
  clock?: Clock;
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
  private run: DebugRun | null = null;
  private lastInput: RunInput | null = null;
  private interrupted = false;
  /** a continue (or a capture replay) is between chunks: other run commands wait for it to pause */
  private continuing = false;
  /** the loaded program's maps as the current run began (what a share link carries) */
  private runStartMaps: ShareState | null = null;
  /** the capture last opened */
  private capture: Capture | null = null;

  private readonly clock: Clock;

  constructor(opts: SessionOptions = {}) {
    this.settings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.storage = opts.storage;
    this.clock = opts.clock ?? wallClock;
  }

  /** A Budget for one command, from the session's settings. */
  private budget(): Budget {
    const s = this.settings;
    return new Budget({ timeMs: s.timeLimitMs, memoryBytes: s.memoryLimitMiB * 2 ** 20 }, IDE_RAISE, this.clock);
  }

  /** The kernel, booted on first use (restoring pinned objects from the storage). */
  private kernel(): Promise<Kernel> {
    if (!this.kernelP) this.kernelP = this.boot();
    return this.kernelP;
  }

  private async boot(): Promise<Kernel> {
    const opts = { seed: this.settings.seed, ncpus: this.settings.ncpus, verifier: progLoad };
    let k: Kernel;
    try {
      k = this.storage ? await Kernel.restore({ ...opts, storage: this.storage }) : new Kernel(opts);
    } catch {
      // the storage is unreadable (IndexedDB denied or corrupt): work without it rather than not at all
      k = new Kernel(opts);
    }
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
    return { protocol: PROTOCOL_VERSION, settings: { ...this.settings }, progTypes: progTypeInfos() };
  }

  async ping(): Promise<true> {
    return true;
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
      if (req.setup?.freshWorld) this.stale = true;
      const k = await this.fresh();
      this.endRun();
      const { result, loaded } = loadProgram(k, req, this.loaded);
      this.loaded = loaded;
      result.maps = listMaps(k);
      k.scheduleSync();
      return done(result);
    });
  }

  /** Ends the debug run, if any: its regions go, its map changes stay (pinned ones are saved). */
  private endRun(): void {
    if (!this.run) return;
    this.run.dispose();
    this.run = null;
    void this.kernelP?.then((k) => k.scheduleSync());
  }

  /** Runs a long command (a continue, a capture replay): other run commands wait; an interrupt ends it between chunks. */
  private async busy<T>(f: () => Promise<T>): Promise<T> {
    this.interrupted = false;
    this.continuing = true;
    try {
      return await f();
    } finally {
      this.continuing = false;
    }
  }

  /** The loaded program, if its load succeeded. */
  private loadedProg(k: Kernel): LoadedProg | undefined {
    const fd = this.loaded?.progFd;
    return fd === null || fd === undefined ? undefined : k.progOfFd(fd);
  }

  private update(run: DebugRun): DebugUpdate {
    const t = run.takeTouched();
    return { snapshot: run.snapshot(), touchedMaps: t.maps, touchedKeys: t.keys };
  }

  /**
   * A command on the run: `f` moves it (or says why it cannot, a bad request), and the answer is
   * the update; without a run (or while one continues) the command's error.
   */
  private runCommand(what: string, f: (run: DebugRun) => string | void): Promise<Outcome<DebugUpdate>> {
    return guard(what, () => {
      if (this.continuing) return fail('bad_request', 'the program is running: pause it first');
      const run = this.run;
      if (!run) return noRun();
      const problem = f(run);
      return problem ? fail('bad_request', problem) : done(this.update(run));
    });
  }

  private async startRun(input: RunInput): Promise<Outcome<DebugUpdate>> {
    const problem = checkInput(input);
    if (problem) return fail('bad_request', problem);
    const k = await this.kernel();
    const prog = this.loadedProg(k);
    if (!prog || !this.loaded) return fail('no_program', 'no program is loaded: Load it first');
    this.endRun();
    const shared = sharedMaps(k, this.loaded);
    const others = new Map(this.loaded.others.map((o) => [o.progId, o.program.lines]));
    const run = DebugRun.start(k, prog, input, this.loaded.view.lines, this.settings, others);
    if (!('runId' in run)) return fail('bad_request', `the kernel refused the run input (as BPF_PROG_TEST_RUN would): ${run.message}`);
    this.run = run;
    this.runStartMaps = { ...shared, position: 0 };
    this.lastInput = input;
    return done(this.update(run));
  }

  async debugStart(input: RunInput): Promise<Outcome<DebugUpdate>> {
    return guard('debugStart', () => this.startRun(input));
  }

  async step(count = 1): Promise<Outcome<DebugUpdate>> {
    const n = stepsOf(count);
    if (n > EVENT_STEPS) return this.advance('step', (run) => run.position + n);
    return this.runCommand('step', (run) => run.step(n));
  }

  async stepBack(count = 1): Promise<Outcome<DebugUpdate>> {
    return this.runCommand('stepBack', (run) => run.back(stepsOf(count)));
  }

  async goto(n: number): Promise<Outcome<DebugUpdate>> {
    const target = Math.max(0, Math.floor(n) || 0);
    if (this.run && !this.continuing && target > this.run.stepCount) {
      return this.advance('goto', (run) => run.position + (target - run.stepCount));
    }
    return this.runCommand('goto', (run) => {
      if (target < run.stepCount) run.back(run.stepCount - target);
    });
  }

  async seek(position: number): Promise<Outcome<DebugUpdate>> {
    const target = Math.max(0, Math.floor(position) || 0);
    if (this.run && !this.continuing && target > this.run.position) return this.advance('seek', () => target);
    return this.runCommand('seek', (run) => {
      if (target < run.position) {
        const back = run.position - target;
        if (back > run.stepCount) return 'the run cannot go back past the start of this repetition';
        const limit = run.backLimit;
        if (limit && target < limit.position) return limit.message;
        run.back(back);
      }
    });
  }

  /**
   * Moves the run forwards to position `targetOf(run)`, recording, a chunk at a time: between
   * chunks the worker takes its messages (Pause, Stop) and the budget is asked; a limit reached
   * leaves the run paused where it got to, and the answer says which limit.
   */
  private advance(what: string, targetOf: (run: DebugRun) => number): Promise<Outcome<DebugUpdate>> {
    return guard(what, async () => {
      if (this.continuing) return fail('bad_request', 'the program is running: pause it first');
      const run = this.run;
      if (!run) return noRun();
      const target = targetOf(run);
      return this.sliceLoop(run, () => run.seekFor(SLICE_MS, target));
    });
  }

  /**
   * Runs `slice` (one SLICE_MS of the run; true when it has finished) as a long command until it
   * finishes, an interrupt comes or the budget is reached, taking messages between slices;
   * `between` is called before each yield.
   */
  private sliceLoop(run: DebugRun, slice: () => boolean, between?: () => void): Promise<Outcome<DebugUpdate>> {
    return this.busy(async () => {
      const budget = this.budget();
      let limit: LimitStop | null = null;
      while (!slice() && !this.interrupted) {
        limit = budget.reached(run.memoryBytes);
        if (limit) break;
        between?.();
        await yieldToEvents();
        if (this.run !== run) return fail('no_run', 'the run was stopped');
      }
      const u = this.update(run);
      if (limit) u.limit = limit;
      return done(u);
    });
  }

  async continue(opts: ContinueOptions, progress?: ProgressSink): Promise<Outcome<DebugUpdate>> {
    return guard('continue', async () => {
      const run = this.run;
      if (!run) return noRun();
      if (this.continuing) return fail('bad_request', 'the program is already running');
      const bps = new Set((opts?.breakpoints ?? []).filter((x) => Number.isInteger(x)));
      let reported = Date.now();
      let sent = run.trace.total;
      const report = (): void => {
        if (!progress || Date.now() - reported < PROGRESS_MS) return;
        const snap = { runId: run.runId, step: run.stepCount, touchedMaps: run.takeTouched().maps, trace: run.trace.since(sent) };
        sent = run.trace.total;
        reported = Date.now();
        void progress(snap);
      };
      return this.sliceLoop(run, () => run.runFor(SLICE_MS, bps), report);
    });
  }

  async restart(input?: RunInput): Promise<Outcome<DebugUpdate>> {
    return guard('restart', async () => {
      // undo the run so far, so the maps are as they were before it
      this.run?.back(this.run.stepCount);
      const next = input ?? this.lastInput;
      if (!next) return fail('no_run', 'no debug run to restart');
      return this.startRun(next);
    });
  }

  async interrupt(): Promise<Outcome<null>> {
    this.interrupted = true;
    return done(null);
  }

  async stop(): Promise<Outcome<null>> {
    this.interrupted = true;
    this.endRun();
    return done(null);
  }

  async snapshot(): Promise<Outcome<DebugSnapshot>> {
    return this.run ? done(this.run.snapshot()) : noRun();
  }

  async maps(): Promise<Outcome<MapInfo[]>> {
    return guard('maps', async () => done(listMaps(await this.kernel())));
  }

  async unavailablePins(): Promise<Outcome<UnavailablePinView[]>> {
    return guard('unavailablePins', async () => done(listUnavailable(await this.kernel())));
  }

  async removeUnavailablePin(path: string): Promise<Outcome<UnavailablePinView[]>> {
    return guard('removeUnavailablePin', async () => {
      const k = await this.kernel();
      if (typeof path !== 'string' || !k.unavailable.has(path)) return fail('bad_request', `no unavailable pin at ${String(path)}`);
      k.unlink(path);
      await k.sync();
      return done(listUnavailable(k));
    });
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
      this.run?.worldChanged();
      k.scheduleSync();
      return done(r);
    });
  }

  async mapDelete(req: MapDeleteRequest): Promise<Outcome<MapEditResult>> {
    return guard('mapDelete', async () => {
      if (!(req?.key instanceof Uint8Array)) return fail('bad_request', 'a map delete needs key bytes');
      const k = await this.kernel();
      const r = mapEdit(k, req.mapId, req.key, null);
      this.run?.worldChanged();
      k.scheduleSync();
      return done(r);
    });
  }

  async shell(line: string): Promise<Outcome<ShellResult>> {
    return guard('shell', async () => {
      if (typeof line !== 'string') return fail('bad_request', 'the shell needs a line');
      const k = await this.kernel();
      const r = this.watchWorld(k, () => runShell(k, line));
      k.scheduleSync();
      return done({ output: r.output, status: r.exitCode });
    });
  }

  /**
   * Runs `f` and, if it changed the kernel's state while a debug run is paused (anything that
   * pushes an undo: maps, trace_pipe, the world), tells the run: stepping back stops there.
   */
  private watchWorld<T>(k: Kernel, f: () => T): T {
    if (!this.run) return f();
    const probe = new Journal();
    const saved = k.mem.journal;
    k.mem.journal = probe;
    try {
      return f();
    } finally {
      k.mem.journal = saved;
      if (probe.size > 0) this.run.worldChanged();
    }
  }

  async shareState(): Promise<Outcome<ShareState>> {
    return guard('shareState', async () => {
      if (this.run && this.runStartMaps) return done({ ...this.runStartMaps, position: this.run.position });
      return done({ ...sharedMaps(await this.kernel(), this.loaded), position: 0 });
    });
  }

  async tracepointRecord(req: TracepointRecordRequest): Promise<Outcome<Uint8Array>> {
    return guard('tracepointRecord', async () => {
      const r = tracepointRecord((await this.kernel()).world, req);
      return typeof r === 'string' ? fail('bad_request', r) : done(r);
    });
  }

  async readObject(req: ReadObjectRequest): Promise<Outcome<ObjectView>> {
    return guard('readObject', () => done(objectView(req)));
  }

  async captureOpen(bytes: Uint8Array): Promise<Outcome<CaptureInfo>> {
    return guard('captureOpen', () => {
      if (!(bytes instanceof Uint8Array)) return fail('bad_request', 'captureOpen needs the file bytes');
      const r = parseCapture(bytes);
      if (!r.ok) return done({ ok: false as const, error: r.error });
      this.capture = r.capture;
      return done({ ok: true as const, format: r.capture.format, packets: r.capture.packets.length, warnings: r.capture.warnings });
    });
  }

  async captureRun(req: CaptureRunRequest, progress?: (p: CaptureProgress) => void): Promise<Outcome<CaptureReplay>> {
    return guard('captureRun', async () => {
      if (!this.capture) return fail('bad_request', 'no capture is open');
      if (this.continuing) return fail('bad_request', 'the program is running: pause it first');
      const k = await this.kernel();
      const prog = this.loadedProg(k);
      if (!prog) return fail('no_program', 'no program is loaded: Load it first');
      if (!progTypeOps(prog.progType)?.info.packet) return fail('bad_request', `a ${PROG_TYPE_NAMES[prog.progType]} program does not run on packets`);
      this.endRun();
      const replay = new CaptureReplayer(k, prog, this.capture, req?.ctx instanceof Uint8Array ? req.ctx : undefined, this.settings, this.clock);
      try {
        const result = await this.busy(() => replay.runAll(() => this.interrupted, yieldToEvents, progress, this.budget()));
        k.scheduleSync();
        return done(result);
      } finally {
        replay.dispose();
      }
    });
  }

  async capturePacket(index: number): Promise<Outcome<Uint8Array>> {
    const p = this.capture?.packets[index];
    return p ? done(p.data.slice()) : fail('bad_request', this.capture ? `the capture has no packet ${index}` : 'no capture is open');
  }

  async exportProgram(req: ExportRequest): Promise<Outcome<ExportResult>> {
    return guard('exportProgram', () => done(exportProgram(req)));
  }

  async provenance(req: ProvenanceRequest): Promise<Outcome<ProvenanceView>> {
    return guard('provenance', () => provenanceOf(this.loaded, req));
  }

  async exploration(): Promise<Outcome<ExplorationView>> {
    return guard('exploration', () => explorationOf(this.loaded));
  }

  async searchRun(req: RunSearchRequest): Promise<Outcome<RunSearchResult>> {
    return guard('searchRun', () => searchOf(this.loaded, this.loaded?.progType ?? 0, req ?? {}, this.settings.seed));
  }

  async showRun(req: RunSearchRequest): Promise<Outcome<ShownRun>> {
    return guard('showRun', async () => {
      if (this.continuing) return fail('bad_request', 'the program is running: pause it first');
      const loaded = this.loaded;
      const found = searchOf(loaded, loaded?.progType ?? 0, req ?? {}, this.settings.seed);
      if (!found.ok || !found.value.found || !loaded) return found.ok ? done({ search: found.value }) : found;
      const search = found.value;
      const k = await this.kernel();
      this.endRun();
      const prog = loadUnverified(k, loaded, loaded.progType, search);
      if (typeof prog === 'string') return done({ search, note: prog });
      const started = await this.startRun({ packet: search.input?.packet, ctx: search.input?.ctx });
      if (!started.ok || !this.run) return started.ok ? done({ search, note: 'the run did not start' }) : started;
      const run = this.run;
      // along the refused path, then the refused instruction itself
      const trail = search.trail;
      let i = 0;
      while (i < trail.length && run.at.pc === trail[i] && run.at.progId === prog.id && run.canStep) {
        run.step(1);
        i++;
      }
      const reached = i === trail.length;
      const note = reached ? undefined : `here the run left the refused path at instruction ${trail[Math.max(0, i - 1)]} (the world's clock or random numbers differ from the search's)`;
      return done({ search, update: this.update(run), reached, ...(note ? { note } : {}) });
    });
  }

  async gradeChallenge(req: GradeRequest): Promise<Outcome<GradeResult>> {
    return guard('gradeChallenge', () => {
      if (typeof req?.text !== 'string' || typeof req.id !== 'string') return fail('bad_request', 'grading needs the challenge id and the text');
      const r = gradeChallenge(req.id, req.text, req.syntax);
      return r ? done(r) : fail('bad_request', `no challenge ${req.id}`);
    });
  }

  /** Waits until pinned objects are written to the storage (tests, and before a reload). */
  async flush(): Promise<void> {
    if (this.kernelP) await (await this.kernelP).sync();
  }
}
