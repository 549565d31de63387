/**
 * The Maps panel's unavailable pins, through the store over a real Session with bpffs storage: a
 * per-CPU array pinned at 2 CPUs does not fit at 16 (the 64 MiB of map memory), so after the CPU
 * count is raised and the program loaded again the store lists the pin with the reason; lowered
 * again, the map is back with its contents; and only the user's Remove deletes it for good.
 */
import { describe, expect, test } from 'vitest';
import { makeStore, memoryStorage } from '../../app/store/store';
import { makeActions } from '../../app/store/actions';
import { MemoryStorage } from '../../src/kernel/storage';
import { Session } from '../../src/session';

const BIG = '.map big percpu_array key=4 value=8 entries=600000\nr0 = 0\nexit';
const PLAIN = 'r0 = 0\nexit';
const REASON =
  "ENOMEM: the map does not fit in the kernel's 64 MiB of map memory at this CPU count (it was pinned at 2 CPUs)";

function ideOver(storage: MemoryStorage) {
  const store = makeStore(memoryStorage());
  const api = new Session({ storage });
  const actions = makeActions(store, { api });
  const s = () => store.getState();
  const cpus = (ncpus: number) => actions.setSettings({ engineSettings: { ...s().engineSettings, ncpus, cpu: 0 } });
  return { store, api, actions, s, cpus };
}

describe('unavailable pins in the Maps panel', () => {
  test('listed with the reason where they do not fit, back where they fit, gone only when removed', async () => {
    const storage = new MemoryStorage();
    const a = ideOver(storage);
    a.cpus(2);
    a.actions.setText(BIG);
    expect(await a.actions.load()).toBe(true);
    const big = a.s().maps.find((m) => m.name === 'big')!;
    const value = new Uint8Array(16).fill(5); // 8 bytes on each of the 2 CPUs
    expect(await a.actions.mapUpdate(big.id, new Uint8Array([7, 0, 0, 0]), value)).toBeNull();
    await a.actions.shell(`bpftool map pin id ${big.id} /sys/fs/bpf/big`);
    expect(a.s().unavailablePins).toEqual([]);

    // 16 CPUs: the next Load boots a kernel where the pinned map does not fit
    a.cpus(16);
    a.actions.setText(PLAIN);
    expect(await a.actions.load()).toBe(true);
    await expect.poll(() => a.s().unavailablePins).toEqual([{ path: '/sys/fs/bpf/big', kind: 'map', reason: REASON }]);
    expect(a.s().maps.some((m) => m.name === 'big')).toBe(false);
    // a later refresh (after a shell command) keeps listing it
    await a.actions.shell('ls /sys/fs/bpf');
    expect(a.s().unavailablePins.map((p) => p.path)).toEqual(['/sys/fs/bpf/big']);

    // back to 2 CPUs: the map is back, contents and pin
    a.cpus(2);
    expect(await a.actions.load()).toBe(true);
    await expect.poll(() => a.s().unavailablePins).toEqual([]);
    const back = a.s().maps.find((m) => m.name === 'big');
    expect(back?.pins).toEqual(['/sys/fs/bpf/big']);
    const page = await a.api.mapEntries({ mapId: back!.id, offset: 7, limit: 1 });
    expect(page.ok && page.value.entries[0].value).toEqual(value);

    // where it does not fit, Remove deletes it for good
    a.cpus(16);
    expect(await a.actions.load()).toBe(true);
    await expect.poll(() => a.s().unavailablePins.length).toBe(1);
    expect(await a.actions.removeUnavailablePin('/sys/fs/bpf/big')).toBe(true);
    expect(a.s().unavailablePins).toEqual([]);
    expect([...(await storage.list())].filter((k) => k.startsWith('bpffs/pin') || k.startsWith('bpffs/obj'))).toEqual([]);
    a.cpus(2);
    expect(await a.actions.load()).toBe(true);
    await expect.poll(() => a.s().unavailablePins).toEqual([]);
    expect(a.s().maps.some((m) => m.pins.length > 0)).toBe(false);
    // a path that is not an unavailable pin is refused, and nothing changes
    expect(await a.actions.removeUnavailablePin('/sys/fs/bpf/nothing')).toBe(false);
  });
});
