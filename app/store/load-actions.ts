/** Assembling, loading and the map list: what the editor and the Load button ask of the engine. */
import type { LoadRequest } from './deps';
import type { ActionContext } from './context';
import type { State } from './state';
import { loadSetupOf, loadSignature } from './selectors';

export type LoadActions = ReturnType<typeof makeLoadActions>;

export function makeLoadActions(c: ActionContext) {
  const { get, set, api } = c;

  async function refreshMaps(): Promise<void> {
    const [maps, pins] = await Promise.all([api.maps(), api.unavailablePins()]);
    if (pins.ok) set({ unavailablePins: pins.value });
    if (!maps.ok) return;
    const sel = get().selectedMap;
    const selectedMap = maps.value.some((m) => m.id === sel) ? sel : (maps.value[0]?.id ?? null);
    set({ maps: maps.value, selectedMap, mapGen: get().mapGen + 1 });
  }

  /** The pins that could not be restored (a Load may boot a new kernel: a CPU count changed). */
  async function refreshPins(): Promise<void> {
    const pins = await api.unavailablePins();
    if (pins.ok) set({ unavailablePins: pins.value });
  }

  async function assembleNow(): Promise<void> {
    const { text, syntax } = get();
    const r = await api.assemble({ text, syntax });
    if (!r.ok) return; // the engine is not up: no markers, no noise
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
    const r = c.value(await api.load(req));
    set({ loading: false });
    if (!r) return false;
    if (r.stage === 'load' && get().pendingSetup === s.pendingSetup) set({ pendingSetup: null });
    if (r.setupProblems?.length) c.notify('error', `Setting up beside the program: ${r.setupProblems.join('; ')}`);
    const patch: Partial<State> = { load: r, snap: null, programTab: null, maps: r.maps, mapGen: get().mapGen + 1, inspect: null, provenance: null, witness: null };
    if (r.stage === 'assemble') patch.diagnostics = r.diagnostics;
    else if (r.program) Object.assign(patch, { diagnostics: r.diagnostics, program: r.program });
    if (r.progType !== s.progType && r.stage === 'load') patch.progType = r.progType; // a .type directive won
    set(patch);
    void refreshPins();
    // what was loaded, with the program type the directive chose
    set({ loadedSig: loadSignature({ ...s, progType: patch.progType ?? s.progType }) });
    if (get().selectedMap === null || !r.maps.some((m) => m.id === get().selectedMap)) set({ selectedMap: r.maps[0]?.id ?? null });
    if (r.stage === 'load' && !r.ok && r.analysis?.errorPc !== undefined) c.revealPc(r.analysis.errorPc);
    return r.ok;
  }

  async function ensureLoaded(): Promise<boolean> {
    const s = get();
    if (s.load && s.loadedSig === loadSignature(s)) return s.load.ok;
    return load();
  }

  return { refreshMaps, assembleNow, load, ensureLoaded };
}
