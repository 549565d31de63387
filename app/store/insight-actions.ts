/**
 * The verifier made visible: which of the verifier's states the registers and stack panels show
 * when no run is on (a visit, picked from the log, the editor's cursor, the path picker or the
 * graph), where a value came from (provenance), the exploration graph's data, and "show me a
 * run" (the input search and the unverified run it starts).
 */
import type { Place } from './deps';
import { bytesHex, parseHexBytes } from '../lib/format';
import type { ActionContext } from './context';
import type { makeDebugActions } from './debug-actions';
import { lineOfPc } from './selectors';
import { visitIndex } from './visits';

/** How long "show me a run" may search (the engine allows up to 30 s). */
const SEARCH_MS = 8000;

type DebugActions = ReturnType<typeof makeDebugActions>;

export function makeInsightActions(c: ActionContext, debug: Pick<DebugActions, 'applyUpdate' | 'stop'>) {
  const { get, set, api } = c;

  /** Shows visit `visit`'s state in the panels (and its instruction in the editor). */
  function inspectVisit(visit: number, reveal = true): void {
    const at = visitIndex(get().load?.analysis).get(visit);
    if (!at) return;
    set({ inspect: visit, provenance: null });
    if (reveal) {
      const line = lineOfPc(get(), at.pc);
      if (line !== undefined) c.revealLine(line);
    }
  }

  /** Where the value of `place` came from on the path of `visit`; the editor highlights the chain. */
  async function traceProvenance(visit: number, place: Place): Promise<void> {
    const r = c.value(await api.provenance({ visit, place }));
    if (r) set({ provenance: r });
  }

  /** The input search for the refused program, and the unverified debug run it starts. */
  async function showRun(): Promise<void> {
    const s = get();
    if (s.searching || s.busy !== 'idle' || !s.load || s.load.ok) return;
    if (s.snap) await debug.stop();
    set({ searching: true, witness: null });
    const info = await c.progTypeInfo(s.progType);
    const packet = typeof info !== 'string' && info.packet ? parseHexBytes(s.input.packetHex) : undefined;
    try {
      const r = c.value(await api.showRun({ timeMs: SEARCH_MS, packet: packet instanceof Uint8Array ? packet : undefined }));
      if (!r) return;
      set({ witness: { search: r.search, reached: r.reached ?? false, note: r.note } });
      if (r.update) {
        // the input panel gets the found packet, so Restart runs it again
        const p = r.search.input?.packet;
        if (p) set({ input: { ...get().input, packetHex: bytesHex(p, '') } });
        debug.applyUpdate(r.update);
      }
    } finally {
      set({ searching: false });
    }
  }

  return {
    inspectVisit,
    traceProvenance,
    clearProvenance: () => set({ provenance: null }),
    exploration: async () => c.value(await api.exploration()),
    showRun,
    closeWitness: () => set({ witness: null }),
  };
}
