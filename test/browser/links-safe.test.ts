/**
 * Share links open safely: a link that may run more than the default budget asks first, and a
 * link whose replay kills the page is not replayed again. The crash is real: Chromium's renderer
 * (the page and its engine worker) is crashed through the DevTools protocol mid-replay, and the
 * next page of the same browser profile opens the link's text with a notice, running nothing.
 */
import { expect, test } from 'vitest';
import { encodeShare } from '../../src/share';
import type { SharedSession } from '../../src/protocol';
import { appState, harnessForFile, until, waitForEditor } from './harness';

const file = harnessForFile();

/**
 * The link (Verify off, a loop, budget and step 1e8: it crashed the tab after ~63 s), with
 * a trace_printk in the loop: compiled, the bare loop reaches step 1e8 in well under a second,
 * over before the test could crash the page mid-replay; this one replays until the 10 s limit.
 */
const LOOP: SharedSession = {
  v: 1,
  source: '.type socket_filter\nloop:\n*(u32 *)(r10 -4) = 0x0a6968\nr1 = r10\nr1 += -4\nr2 = 4\ncall bpf_trace_printk\ngoto loop\n',
  syntax: 'llvm',
  progType: 1,
  load: { logLevel: 1, logSize: 65536, privileged: true },
  settings: { seed: 1, ncpus: 1, cpu: 0, budget: 100_000_000, semantics: '4.8', verify: false },
  maps: [],
  input: { packet: '00'.repeat(60) },
  breakpoints: [],
  step: 100_000_000,
};
const link = encodeShare(LOOP);
const OPENING_KEY = 'bpflab.link.opening';

test('a link asking for more than the default budget asks first; "Open without running" loads and runs nothing', async () => {
  const o = await file.h.open(`/#${link}`);
  const { page } = o;
  await waitForEditor(page);
  const ask = page.getByRole('dialog', { name: 'Open a share link' });
  await ask.waitFor({ timeout: 20_000 });
  expect(await ask.innerText()).toContain('run up to 100,000,000 instructions and replay to step 100,000,000');
  // nothing happened yet: the user's program is still there and the link still in the address bar
  expect(await appState<string>(page, 'text')).not.toBe(LOOP.source);
  expect(await page.evaluate(() => location.hash)).toBe(`#${link}`);
  await ask.getByRole('button', { name: 'Open without running' }).click();
  await until(async () => (await appState<{ ok: boolean } | null>(page, 'load'))?.ok === true, 20_000, 'the load');
  expect(await appState<string>(page, 'text')).toBe(LOOP.source);
  expect(await appState<number>(page, 'engineSettings.budget')).toBe(100_000_000);
  expect(await appState<unknown>(page, 'snap')).toBeNull();
  expect(await page.evaluate(() => location.hash)).toBe('');
  expect(await page.evaluate((k) => localStorage.getItem(k), OPENING_KEY)).toBeNull();
  expect(o.consoleErrors).toEqual([]);
  await o.context.close();
});

test('a link whose replay kills the page opens as text only, with a notice, on the next load', async () => {
  const o = await file.h.open(`/#${link}`);
  const { page, context } = o;
  await waitForEditor(page);
  const ask = page.getByRole('dialog', { name: 'Open a share link' });
  await ask.waitFor({ timeout: 20_000 });
  await ask.getByRole('button', { name: 'Run to step 100,000,000' }).click();
  await until(async () => (await appState<string>(page, 'busy')) === 'stepping', 20_000, 'the replay to start');
  // before the replay the link left the address bar for storage
  expect(await page.evaluate(() => location.hash)).toBe('');
  expect(await page.evaluate((k) => localStorage.getItem(k), OPENING_KEY)).toBe(link);
  const crashed = new Promise((r) => page.once('crash', r));
  const cdp = await context.newCDPSession(page);
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;

  // the reload: the address bar held no link any more
  const again = await file.h.open('/', context);
  // watched from the start: an error toast leaves after 15 s, and the editor may take longer under load
  const notice = again.page.locator('.toast.error').filter({ hasText: 'This link stopped the page last time' });
  const noticed = notice.waitFor({ timeout: 60_000 });
  await waitForEditor(again.page);
  await noticed;
  expect(await appState<string>(again.page, 'text')).toBe(LOOP.source);
  expect(await appState<unknown>(again.page, 'load')).toBeNull();
  expect(await appState<unknown>(again.page, 'snap')).toBeNull();
  expect(await again.page.evaluate((k) => localStorage.getItem(k), OPENING_KEY)).toBeNull();
  // and the same link clicked again after that asks first, as before
  await again.page.goto(`${file.h.url}/#${link}`);
  await waitForEditor(again.page);
  await again.page.getByRole('dialog', { name: 'Open a share link' }).waitFor({ timeout: 20_000 });
  expect(again.consoleErrors).toEqual([]);
  await context.close();
});
