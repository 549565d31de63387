/** The terminal's commands and the map inspector's edits, made as bpf(2) makes them. */
import type { ActionContext } from './context';
import type { LoadActions } from './load-actions';

export function makeMapActions(c: ActionContext, loader: LoadActions) {
  const { get, set, api } = c;

  async function shell(line: string): Promise<void> {
    const cmd = line.trim();
    const history = cmd && get().history.at(-1) !== cmd ? [...get().history, cmd].slice(-200) : get().history;
    set({ history });
    c.term({ kind: 'cmd', text: line });
    if (!cmd) return;
    if (cmd === 'clear') {
      set({ term: { entries: [], epoch: get().term.epoch + 1 } });
      return;
    }
    const r = await api.shell(cmd);
    if (!r.ok) c.term({ kind: 'err', text: r.error.message });
    else if (r.value.output) c.term({ kind: r.value.status === 0 ? 'out' : 'err', text: r.value.output });
    void loader.refreshMaps();
  }

  async function mapUpdate(mapId: number, key: Uint8Array, val: Uint8Array, flags = 0): Promise<string | null> {
    const r = c.value(await api.mapUpdate({ mapId, key, value: val, flags }));
    if (!r) return 'the engine could not update the map';
    await loader.refreshMaps();
    return r.errno ? `${r.errnoName} (${r.errno})` : null;
  }

  async function mapDelete(mapId: number, key: Uint8Array): Promise<string | null> {
    const r = c.value(await api.mapDelete({ mapId, key }));
    if (!r) return 'the engine could not delete the entry';
    await loader.refreshMaps();
    if (!r.errno) return null;
    const why = `${r.errnoName} (${r.errno})`;
    c.notify('error', `BPF_MAP_DELETE_ELEM failed: ${why}${r.errno === 22 ? ' — array entries cannot be deleted' : ''}`);
    return why;
  }

  /** Removes a stored pin that could not be restored (the user confirmed): its records leave storage for good. */
  async function removeUnavailablePin(path: string): Promise<boolean> {
    const r = c.value(await api.removeUnavailablePin(path));
    if (!r) return false;
    set({ unavailablePins: r });
    c.notify('info', `Removed the pin ${path} and its stored contents.`);
    return true;
  }

  return { shell, mapUpdate, mapDelete, removeUnavailablePin };
}
