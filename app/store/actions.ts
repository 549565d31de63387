/**
 * The store's actions: plain functions that call the engine and then set state. Components call
 * these and never the engine. Every engine answer is an Outcome; failures become notices.
 *
 * The groups live beside this file: context.ts (what they share), load-actions.ts (assemble,
 * load, the map list), debug-actions.ts (the debugger), map-actions.ts (terminal and map edits),
 * insight-actions.ts (the verifier's states without a run, provenance, "show me a run");
 * io-actions.ts adds links, lessons, objects, captures and exports on top of these.
 */
import type { RestartNotice } from '../engine';
import type { InputState } from '../lib/input';
import type { LayoutState } from '../ui/layout';
import type { Store } from './store';
import type { MapFormat, SettingsSlice, State } from './state';
import { makeContext, type EnginePort } from './context';
import { makeLoadActions } from './load-actions';
import { makeDebugActions } from './debug-actions';
import { makeMapActions } from './map-actions';
import { makeInsightActions } from './insight-actions';

export type { EnginePort } from './context';
export type Actions = ReturnType<typeof makeActions>;

export function makeActions(store: Store, port: EnginePort) {
  const c = makeContext(store, port);
  const { get, set } = c;
  const loader = makeLoadActions(c);
  const debug = makeDebugActions(c, loader);

  /** After the worker was replaced: the run and the kernel's unpinned objects are gone. */
  async function onEngineRestart(n: RestartNotice): Promise<void> {
    debug.forgetRun();
    const wasLoaded = get().load !== null;
    set({ snap: null, busy: 'idle', progressStep: null, load: null, loadedSig: null, maps: [], touched: [] });
    c.notify(n.reason === 'stop' ? 'info' : 'error', n.message);
    await c.api.configure(get().engineSettings);
    if (wasLoaded) await loader.load();
    else await loader.refreshMaps();
  }

  const { forgetRun: _forgetRun, ...debugCommands } = debug;
  return {
    notify: c.notify,
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
    /** shows a program of the loaded setup in the editor (null: the program being edited) */
    showProgram: (name: string | null) => set({ programTab: name }),
    /** the Log pane shows this program's verifier log (null: the edited program's) */
    showLog: (name: string | null) => set({ logProgram: name }),
    selectMap: (id: number) => set({ selectedMap: id }),
    setMapFormat: (name: string, f: MapFormat) => set({ formats: { ...get().formats, [name]: f } }),
    revealLine: c.revealLine,
    revealPc: c.revealPc,
    ...loader,
    ...debugCommands,
    ...makeMapActions(c, loader),
    ...makeInsightActions(c, debug),
    onEngineRestart,
  };
}
