/**
 * The engine worker is watched: when it hangs (a busy loop injected into it through the DevTools
 * protocol) or dies without an error event (it closes itself), the page says so, starts a new
 * one, and keeps the editor text, the settings and the pinned map (bpffs in IndexedDB).
 */
import { expect, test } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { appState, closeSettings, harnessForFile, openSettings, setEditorText, until, waitForEditor, shell } from './harness';

const file = harnessForFile();

const TEXT = '.type socket_filter\n.map hits hash key=4 value=8 entries=8\n.entry hits key=01000000 value=2a00000000000000\nr0 = 0\nexit\n';


/** The engine's worker (Monaco has workers of its own). */
async function engineWorker(page: Page, not?: Worker): Promise<Worker> {
  let found: Worker | undefined;
  await until(async () => {
    for (const w of page.workers()) {
      if (w !== not && (await w.evaluate(() => self.name).catch(() => '')) === 'bpflab-engine') found = w;
    }
    return found !== undefined;
  }, 20_000, 'the engine worker');
  return found!;
}

/** Whether bpffs has written anything to IndexedDB (the pin is saved in the background). */
const pinSaved = (page: Page): Promise<boolean> =>
  page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('bpflab');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('bpffs')) return resolve(false);
          const count = db.transaction('bpffs').objectStore('bpffs').count();
          count.onsuccess = () => resolve(count.result > 0);
          count.onerror = () => resolve(false);
        };
      }),
  );

const pinned = async (page: Page): Promise<boolean> =>
  (await appState<{ pins: string[] }[]>(page, 'maps')).some((m) => m.pins.includes('/sys/fs/bpf/hits'));

async function expectRecovered(page: Page, restarts: number): Promise<void> {
  const notice = page.locator('.toast.error').filter({ hasText: 'The engine stopped answering' });
  await notice.waitFor({ timeout: 60_000 });
  expect(await notice.innerText()).toMatch(/so it was restarted; your text, settings and pins are kept/);
  await until(async () => (await appState<number>(page, 'engine.restarts')) === restarts, 20_000, 'the new engine');
  await until(async () => (await appState<boolean>(page, 'load.ok')) === true, 20_000, 'the program loaded again');
  await until(() => pinned(page), 20_000, 'the pinned map in the new engine');
  expect(await appState<string>(page, 'text')).toBe(TEXT);
  expect(await appState<number>(page, 'engineSettings.timeLimitMs')).toBe(1000);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
}

test('a hung worker and a dead worker are each replaced, keeping text, settings and pins', async () => {
  const { page, context, consoleErrors } = await file.h.open();
  await waitForEditor(page);
  await setEditorText(page, TEXT);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => (await appState<boolean>(page, 'load.ok')) === true, 10_000, 'the load');
  const id = (await appState<{ id: number }[]>(page, 'maps'))[0].id;
  await shell(page, `bpftool map pin id ${id} /sys/fs/bpf/hits`, new RegExp(`# bpftool map pin id ${id} /sys/fs/bpf/hits`));
  await until(() => pinSaved(page), 10_000, 'bpffs to save the pin');
  // the watchdog waits twice the time limit and 10 s more: 12 s with a time limit of 1 s
  await openSettings(page);
  await page.getByRole('spinbutton', { name: 'Time limit (s)' }).fill('1');
  await closeSettings(page);
  await until(async () => (await appState<number>(page, 'engineSettings.timeLimitMs')) === 1000, 5000, 'the time limit');

  const first = await engineWorker(page);
  void first.evaluate(() => {
    for (;;); // hangs the worker's thread for good
  }).catch(() => undefined);
  await expectRecovered(page, 1);
  await shell(page, 'ls /sys/fs/bpf', /^hits\s*$/m);

  const second = await engineWorker(page, first);
  void second.evaluate(() => self.close()).catch(() => undefined); // dies quietly: no error event
  await expectRecovered(page, 2);
  expect(consoleErrors.filter((e) => !/engine/i.test(e))).toEqual([]);
  await context.close();
});
