/**
 * Share links in the browser: a link made with the Share button and opened in a new page brings
 * back the program, its settings, the maps and the step of the run; hostile links (opened in the
 * address bar of a page holding the user's work, or as the page's first URL) show an error and
 * leave the editor, the settings, the maps and the stored state exactly as they were.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, click, harnessForFile, setEditorText, until, waitForEditor } from './harness';
import { encodeShare, MAX_FRAGMENT_LENGTH, MAX_INFLATED_BYTES } from '../../src/share';
import type { SharedSession } from '../../src/protocol';
import { wrap } from '../support/share-links';

const file = harnessForFile();

const entriesText = (page: Page) => page.getByRole('table', { name: 'Entries of counts' }).locator('[role="rowgroup"]').innerText();

test('a shared link opened in a new page restores program, maps and step', async () => {
  const a = await file.h.open();
  const { page } = a;
  await page.setViewportSize({ width: 1440, height: 900 });
  await waitForEditor(page);
  await page.getByRole('combobox', { name: 'Log level' }).selectOption('2');
  await click(page, 'Run'); // counts one packet in the map
  await click(page, 'Stop');
  await click(page, 'Step');
  for (let i = 0; i < 12; i++) await click(page, 'Step');
  expect(await appState<number>(page, 'snap.step')).toBe(12);
  const regs = await appState<string[]>(page, 'snap.regs');
  const text = await appState<string>(page, 'text');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const box = page.getByRole('dialog', { name: 'Share link' });
  await box.waitFor();
  const url = await box.getByRole('textbox', { name: 'Link' }).inputValue();
  expect(url).toMatch(/#v1\.[A-Za-z0-9_-]+$/);
  expect(await box.getByRole('status').innerText()).toContain(`The link is ${url.length.toLocaleString('en')} characters long`);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  expect(await page.evaluate(() => location.href)).toBe(url);
  const mapsBefore = await entriesText(page);

  const b = await file.h.open(url.slice(file.h.url.length));
  await b.page.setViewportSize({ width: 1440, height: 900 });
  await waitForEditor(b.page);
  await until(async () => (await appState<number>(b.page, 'snap.step')) === 12, 20_000, 'the replay to step 12');
  expect(await appState<string>(b.page, 'text')).toBe(text);
  expect((await b.page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ')).toContain('Count IPv4 packets by IP protocol');
  expect(await appState<string[]>(b.page, 'snap.regs')).toEqual(regs);
  expect(await b.page.getByRole('combobox', { name: 'Log level' }).inputValue()).toBe('2');
  await until(async () => (await entriesText(b.page)) === mapsBefore, 10_000, 'the same map contents');
  // the link is taken out of the address bar once opened: a reload keeps later edits
  expect(await b.page.evaluate(() => location.hash)).toBe('');
  for (const o of [a, b]) {
    expect(o.consoleErrors).toEqual([]);
    expect(o.outsideRequests).toEqual([]);
    await o.context.close();
  }
});

const TYPICAL: SharedSession = {
  v: 1,
  source: '.map counts array key=4 value=8 entries=4\nr0 = 1\nexit\n',
  syntax: 'llvm',
  progType: 1,
  load: { logLevel: 1, logSize: 65536, privileged: true },
  settings: { seed: 1, ncpus: 2, cpu: 0, budget: 1000, semantics: '4.8', verify: true },
  maps: [{ name: 'counts', type: 2, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0, entries: [{ key: '01000000', value: '0200000000000000' }] }],
  input: { packet: '00'.repeat(60) },
  breakpoints: [2],
  step: 1,
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hostile links set fields to anything
type Loose = any;
const withField = (patch: (s: Loose) => void): string => {
  const s = JSON.parse(JSON.stringify(TYPICAL));
  patch(s);
  return wrap(JSON.stringify(s));
};
const good = encodeShare(TYPICAL);

const HOSTILE: [string, string][] = [
  ['truncated', good.slice(0, good.length - 10)],
  ['corrupted', good.slice(0, 20) + (good[20] === 'A' ? 'B' : 'A') + good.slice(21)],
  ['oversized', 'v1.' + 'A'.repeat(MAX_FRAGMENT_LENGTH + 4)],
  ['decompression bomb', wrap(new Uint8Array(MAX_INFLATED_BYTES * 4).fill(0x20))],
  ['unknown version', 'v9.' + good.slice(3)],
  ['wrong checksum', wrap(JSON.stringify(TYPICAL), { crc: 42 })],
  ['not JSON', wrap('{"v":1,')],
  ['field out of range', withField((s) => (s.load.logLevel = 7))],
  ['step past the budget', withField((s) => (s.step = 5000))],
  ['script in the source', withField((s) => (s.source = 'r0 = 0\u0000<script>alert(1)</script>'))],
  ['markup as a map name', withField((s) => (s.maps[0].name = '<img src=x onerror=alert(1)>'))],
  ['bidi override', withField((s) => (s.source = 'r0 = 0 ; \u202eexit'))],
  ['prototype pollution', wrap(JSON.stringify(TYPICAL).replace('{"v":1', '{"__proto__":{"polluted":1},"v":1'))],
  ['not a link', 'section-2'],
];

const WORK = '.map mine hash key=4 value=4 entries=8\n.entry mine key=01000000 value=2a000000\n.type socket_filter\nr0 = 3\nexit\n';

async function snapshotWork(page: Page) {
  return {
    stored: await page.evaluate(() => localStorage.getItem('bpflab:state')),
    text: await appState<string>(page, 'text'),
    logLevel: await appState<number>(page, 'logLevel'),
    maps: await appState<{ name: string; count: number }[]>(page, 'maps'),
    load: await appState<{ ok: boolean; progId: number }>(page, 'load'),
    editor: await page.locator('.monaco-editor .view-lines').first().innerText(),
  };
}

test(`${HOSTILE.length} hostile links each leave the current work intact and show an error`, async () => {
  const o = await file.h.open();
  const { page } = o;
  await waitForEditor(page);
  await setEditorText(page, WORK);
  await page.getByRole('combobox', { name: 'Log level' }).selectOption('2');
  await click(page, 'Load');
  await until(async () => (await appState<unknown[]>(page, 'maps')).length === 1, 5000, 'the map');
  const before = await snapshotWork(page);
  expect(before.load.ok).toBe(true);
  for (const [what, frag] of HOSTILE) {
    await page.evaluate((f) => (location.hash = f), frag);
    const alert = page.locator('.toast.error').filter({ hasText: 'This share link cannot be opened' });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.innerText(), what).toMatch(/Your program is unchanged/);
    expect(await snapshotWork(page), what).toEqual(before);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await page.evaluate(() => history.replaceState(null, '', location.pathname));
  }
  // a hostile link as the first URL of a page: the stored work comes back untouched
  const [, bomb] = HOSTILE.find(([w]) => w === 'decompression bomb')!;
  await page.goto(`${file.h.url}/#${bomb}`);
  await waitForEditor(page);
  await page.locator('.toast.error').filter({ hasText: 'inflates to more than' }).waitFor({ timeout: 10_000 });
  expect(await appState<string>(page, 'text')).toBe(WORK);
  expect(await page.evaluate(() => localStorage.getItem('bpflab:state'))).toBe(before.stored);
  expect(await page.evaluate(() => (Object.prototype as Record<string, unknown>).polluted)).toBeUndefined();
  expect(o.consoleErrors).toEqual([]);
  expect(o.outsideRequests).toEqual([]);
  await o.context.close();
});
