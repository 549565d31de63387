/**
 * The store's actions: plain functions that call the engine and then set state. Components call
 * these and never the engine. Every engine answer is an Outcome; failures become notices.
 */
import type { DebugUpdate, EngineApi, LoadRequest, Outcome, RunProgress } from './deps';
import type { RestartNotice } from '../engine';
import { bytesHex } from '../lib/format';
import { buildRunInput, type InputState } from '../lib/input';
import type { LayoutState } from '../ui/layout';
import type { Store } from './store';
import type { MapFormat, Notice, SettingsSlice, State } from './state';
import { appendTerm, reconcileTrace, type TermEntry } from './terminal';
import { breakpointPcs, lineOfPc, loadSetupOf, loadSignature } from './selectors';

/** What actions need of the engine: the API, and (in the page) halting and progress proxies. */
export interface EnginePort {
  api: EngineApi;
  halt?(): Promise<'interrupted' | 'restarted'>;
  progress?<T extends (p: never) => void>(fn: T): T;
}

export type Actions = ReturnType<typeof makeActions>;

export function makeActions(store: Store, port: EnginePort) {
  const get = store.getState;
  const set = store.setState;
  const api = port.api;
  let noticeId = 0;
  let runToken = 0;
  let nonce = 0;
  /** the debugger command in flight (settled when none is) */
  let inflight: Promise<void> = Promise.resolve();

  function notify(kind: Notice['kind'], text: string): void {
    const n = { id: ++noticeId, kind, text };
    set({ notices: [...get().notices.filter((x) => x.text !== text), n].slice(-4) });
  }

  /** The value of an outcome, or undefined after reporting its error. */
  function value<T>(o: Outcome<T>): T | undefined {
    if (o.ok) return o.value;
    notify('error', o.error.message);
    return undefined;
  }

  function term(...add: TermEntry[]): void {
    set({ term: appendTerm(get().term, ...add) });
  }

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
    if (u.touchedMaps.length) void refreshMaps();
  }

  async function refreshMaps(): Promise<void> {
    const maps = await api.maps();
    if (!maps.ok) return;
    const sel = get().selectedMap;
    const selectedMap = maps.value.some((m) => m.id === sel) ? sel : (maps.value[0]?.id ?? null);
    set({ maps: maps.value, selectedMap, mapGen: get().mapGen + 1 });
  }

  async function assembleNow(): Promise<void> {
    const { text, syntax } = get();
    const r = await api.assemble({ text, syntax });
    if (!r.ok) return; // 'unavailable' while the assembler has not landed: no markers, no noise
    if (get().text !== text) return; // typed on meanwhile
    if (r.value.ok) set({ diagnostics: r.value.diagnostics, program: r.value.program });
    else set({ diagnostics: r.value.diagnostics });
  }

  async function load(): Promise<boolean> {
    const s = get();
    if (s.busy === 'running') return false;
    set({ loading: true });
    await api.configure(s.engineSettings);
    const req: LoadRequest = {
      text: s.text,
      syntax: s.syntax,
      progType: s.progType,
      logLevel: s.logLevel,
      logSize: s.logSize,
      privileged: s.privileged,
    };
    const setup = loadSetupOf(s);
    if (setup) req.setup = setup;
    const r = value(await api.load(req));
    set({ loading: false });
    if (!r) return false;
    if (r.stage === 'load' && get().pendingSetup === s.pendingSetup) set({ pendingSetup: null });
    if (r.setupProblems?.length) notify('error', `Setting up beside the program: ${r.setupProblems.join('; ')}`);
    const patch: Partial<State> = { load: r, snap: null, maps: r.maps, mapGen: get().mapGen + 1 };
    if (r.stage === 'assemble') patch.diagnostics = r.diagnostics;
    else if (r.program) Object.assign(patch, { diagnostics: r.diagnostics, program: r.program });
    if (r.progType !== s.progType && r.stage === 'load') patch.progType = r.progType; // a .type directive won
    set(patch);
    // what was loaded, with the program type the directive chose
    set({ loadedSig: loadSignature({ ...s, progType: patch.progType ?? s.progType }) });
    if (get().selectedMap === null || !r.maps.some((m) => m.id === get().selectedMap)) set({ selectedMap: r.maps[0]?.id ?? null });
    if (r.stage === 'load' && !r.ok && r.analysis?.errorPc !== undefined) revealPc(r.analysis.errorPc);
    return r.ok;
  }

  async function ensureLoaded(): Promise<boolean> {
    const s = get();
    if (s.load && s.loadedSig === loadSignature(s)) return s.load.ok;
    return load();
  }

  async function start(): Promise<boolean> {
    if (!(await ensureLoaded())) {
      if (get().load?.stage === 'load') notify('error', 'The program did not load: see the verifier log.');
      return false;
    }
    const s = get();
    const input = buildRunInput(s.progType, s.input);
    if (typeof input === 'string') {
      notify('error', `The run input is not valid: ${input}`);
      return false;
    }
    const u = value(await api.debugStart(input));
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
          const u = value(r);
          if (u) applyUpdate(u);
        }
      } finally {
        if (token === runToken) set({ busy: 'idle', progressStep: null });
      }
    })();
    inflight = done;
    await done;
  }

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

  async function stepBack(count = 1): Promise<void> {
    if (!get().snap || get().snap!.step === 0) return;
    await command('stepping', () => api.stepBack(count));
  }

  async function gotoStep(n: number): Promise<void> {
    if (!get().snap) return;
    await command('stepping', () => api.goto(n));
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
    const input = buildRunInput(get().progType, get().input);
    if (typeof input === 'string') {
      notify('error', `The run input is not valid: ${input}`);
      return;
    }
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
    await inflight;
  }

  /** Ends the debug run (interrupting it first if it runs). */
  async function stop(): Promise<void> {
    if (get().busy === 'running') {
      runToken++;
      const how = port.halt ? await port.halt() : 'interrupted';
      set({ busy: 'idle', progressStep: null });
      if (how === 'restarted') return; // onEngineRestart clears the rest
    }
    if (!get().snap) return;
    runToken++;
    await api.stop();
    set({ snap: null, busy: 'idle', touched: [], mapGen: get().mapGen + 1 });
    void refreshMaps();
  }

  function revealLine(line: number): void {
    set({ reveal: { line, nonce: ++nonce } });
  }

  function revealPc(pc: number): void {
    const line = lineOfPc(get(), pc);
    if (line !== undefined) revealLine(line);
  }

  async function shell(line: string): Promise<void> {
    const cmd = line.trim();
    const history = cmd && get().history.at(-1) !== cmd ? [...get().history, cmd].slice(-200) : get().history;
    set({ history });
    term({ kind: 'cmd', text: line });
    if (!cmd) return;
    if (cmd === 'clear') {
      set({ term: { entries: [], epoch: get().term.epoch + 1 } });
      return;
    }
    const r = await api.shell(cmd);
    if (!r.ok) term({ kind: 'err', text: r.error.message });
    else if (r.value.output) term({ kind: r.value.status === 0 ? 'out' : 'err', text: r.value.output });
    void refreshMaps();
  }

  async function mapUpdate(mapId: number, key: Uint8Array, val: Uint8Array, flags = 0): Promise<string | null> {
    const r = value(await api.mapUpdate({ mapId, key, value: val, flags }));
    if (!r) return 'the engine could not update the map';
    await refreshMaps();
    return r.errno ? `${r.errnoName} (${r.errno})` : null;
  }

  async function mapDelete(mapId: number, key: Uint8Array): Promise<string | null> {
    const r = value(await api.mapDelete({ mapId, key }));
    if (!r) return 'the engine could not delete the entry';
    await refreshMaps();
    if (!r.errno) return null;
    const why = `${r.errnoName} (${r.errno})`;
    notify('error', `BPF_MAP_DELETE_ELEM failed: ${why}${r.errno === 22 ? ' — array entries cannot be deleted' : ''}`);
    return why;
  }

  /** After the worker was replaced: the run and the kernel's unpinned objects are gone. */
  async function onEngineRestart(n: RestartNotice): Promise<void> {
    runToken++;
    const wasLoaded = get().load !== null;
    set({ snap: null, busy: 'idle', progressStep: null, load: null, loadedSig: null, maps: [], touched: [] });
    notify(n.reason === 'stop' ? 'info' : 'error', n.message);
    await api.configure(get().engineSettings);
    if (wasLoaded) await load();
    else await refreshMaps();
  }

  return {
    notify,
    applyUpdate,
    dismiss: (id: number) => set({ notices: get().notices.filter((n) => n.id !== id) }),
    setText: (text: string) => set({ text }),
    setSyntax: (syntax: State['syntax']) => set({ syntax }),
    toggleBreakpoint(line: number): void {
      const b = get().breakpoints;
      set({ breakpoints: b.includes(line) ? b.filter((x) => x !== line) : [...b, line].sort((x, y) => x - y) });
    },
    setBreakpoints: (lines: number[]) => set({ breakpoints: lines }),
    setCursorLine: (line: number) => {
      if (get().cursorLine !== line) set({ cursorLine: line });
    },
    setSettings: (patch: Partial<Pick<SettingsSlice, 'progType' | 'logLevel' | 'logSize' | 'privileged' | 'theme' | 'engineSettings'>>) => set(patch),
    setInput: (patch: Partial<InputState>) => set({ input: { ...get().input, ...patch } }),
    setLayout: (layout: LayoutState) => set({ layout }),
    selectMap: (id: number) => set({ selectedMap: id }),
    setMapFormat: (name: string, f: MapFormat) => set({ formats: { ...get().formats, [name]: f } }),
    assembleNow,
    load,
    ensureLoaded,
    step,
    stepBack,
    gotoStep,
    continueRun,
    run,
    restart,
    pause,
    stop,
    revealLine,
    revealPc,
    refreshMaps,
    shell,
    mapUpdate,
    mapDelete,
    onEngineRestart,
  };
}
