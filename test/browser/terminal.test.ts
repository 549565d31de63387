/** The terminal: the kernel's shell (bpftool), and a pinned map that survives a reload (bpffs in IndexedDB). */
import { expect, test } from 'vitest';
import { appState, harnessForFile, setEditorText, until, waitForEditor, shell } from './harness';

const file = harnessForFile();

test('bpftool map dump in the terminal, and a pinned map survives a reload', async () => {
  const { page, context, consoleErrors, outsideRequests } = await file.h.open();
  await waitForEditor(page);
  await setEditorText(page, '.type socket_filter\n.map hits hash key=4 value=8 entries=8\n.entry hits key=01000000 value=2a00000000000000\nr0 = 0\nexit\n');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => (await appState<boolean>(page, 'load.ok')) === true, 10_000, 'the load');
  const id = (await appState<{ id: number }[]>(page, 'maps'))[0].id;
  const dump = await shell(page, `bpftool map dump id ${id}`, 'Found 1 element');
  expect(dump).toMatch(/key: 01 00 00 00\s+value: 2a 00 00 00 00 00 00 00/);
  await shell(page, `bpftool map pin id ${id} /sys/fs/bpf/hits`, `# bpftool map pin id ${id} /sys/fs/bpf/hits`);
  await shell(page, 'ls /sys/fs/bpf', /^hits\s*$/m);
  // bpffs writes to IndexedDB in the background: reload once the pin and its map are stored
  const stored = () =>
    page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const open = indexedDB.open('bpflab');
          open.onerror = () => resolve([]);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('bpffs')) return resolve([]);
            const req = db.transaction('bpffs', 'readonly').objectStore('bpffs').getAllKeys();
            req.onsuccess = () => resolve(req.result.map(String));
            req.onerror = () => resolve([]);
          };
        }),
    );
  await until(async () => {
    const keys = await stored();
    return keys.some((k) => k.endsWith('/sys/fs/bpf/hits')) && keys.some((k) => k.includes('obj/map/'));
  }, 10_000, 'the pin and its map in IndexedDB');
  await page.reload();
  await waitForEditor(page);
  await until(async () => (await appState<{ pins: string[] }[]>(page, 'maps')).some((m) => m.pins.includes('/sys/fs/bpf/hits')), 10_000, 'the pinned map after the reload');
  const after = await shell(page, 'bpftool map dump pinned /sys/fs/bpf/hits', 'Found 1 element');
  expect(after).toMatch(/key: 01 00 00 00\s+value: 2a 00 00 00 00 00 00 00/);
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
});
