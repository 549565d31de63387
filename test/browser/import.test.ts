/**
 * Lessons, clang objects, packet captures and exports in the browser: a lesson chosen in the
 * gallery loads and runs with its expected result; an object from test/fixtures/elf opens (with
 * a choice of program), loads and runs, and a malformed one changes nothing; a capture from
 * test/fixtures/pcap replays with its verdict counts and a packet of it opens a debug run; the
 * exported run request runs under `run --json` with the IDE's result.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, click, pageForFile, setEditorText, until } from './harness';
import { lessonById } from '../../src/lessons';
import { answerText } from '../../src/session/request';
import { XDP_DROP_UDP } from '../support/programs';

const file = pageForFile();

const status = (page: Page) => page.getByRole('contentinfo', { name: 'Status' }).locator('.status-text');

test('a lesson from the gallery loads and runs with its expected result', async () => {
  const { page } = file.o;
  const lesson = lessonById('tail-calls')!;
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  const gallery = page.getByRole('dialog', { name: 'Lessons' });
  await gallery.waitFor();
  expect(await gallery.getByRole('heading', { level: 3 }).allInnerTexts()).toContain('Maps');
  await gallery.getByRole('button', { name: lesson.title, exact: true }).click();
  await gallery.waitFor({ state: 'hidden' });
  const bar = page.getByRole('region', { name: 'Lesson' });
  await bar.waitFor();
  expect(await bar.innerText()).toContain(lesson.tryNext[0]);
  expect(await bar.innerText()).toContain('keep all 40 bytes');
  await until(async () => (await appState<string>(page, 'text')) === lesson.source, 5000, 'the lesson in the store');
  const editor = page.locator('.monaco-editor .view-lines').first();
  await until(async () => (await editor.innerText()).replace(/\u00a0/g, ' ').includes('Tail calls: jump to another program'), 5000, 'the lesson in the editor');
  await click(page, 'Load');
  await click(page, 'Run');
  await until(async () => (await status(page).innerText()).includes('Exited'), 10_000, 'the run to end');
  expect(await status(page).innerText()).toContain(lesson.expect.run!.verdict);
  expect(await appState<number>(page, 'snap.result.retval')).toBe(lesson.expect.run!.retval);
});

test('an ELF object imports (choosing one of its programs), loads and runs; a malformed one changes nothing', async () => {
  const { page } = file.o;
  await page.getByLabel('Open object').setInputFiles('test/fixtures/elf/tc_two.o');
  const choose = page.getByRole('dialog', { name: 'Choose a program' });
  await choose.waitFor();
  await choose.getByRole('button', { name: 'action (sched_act)' }).click();
  await until(async () => (await appState<string>(page, 'text')).includes('.map verdicts percpu_array'), 5000, 'the program in the store');
  await until(async () => (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ').includes('section action of a clang object'), 5000, 'the program in the editor');
  expect(await page.getByRole('combobox', { name: 'Program type' }).inputValue()).toBe('4');
  expect(await appState<unknown>(page, 'lesson')).toBeNull();
  await click(page, 'Load');
  expect(await appState<boolean>(page, 'load.ok')).toBe(true);
  await click(page, 'Run');
  await until(async () => (await status(page).innerText()).includes('Exited'), 10_000, 'the run to end');
  expect(await status(page).innerText()).toContain('TC_ACT_OK');
  const text = await appState<string>(page, 'text');
  await page.getByLabel('Open object').setInputFiles({ name: 'broken.o', mimeType: 'application/octet-stream', buffer: readFileSync('test/fixtures/elf/xdp_drop.o').subarray(0, 90) });
  await page.locator('.toast.error').filter({ hasText: 'broken.o cannot be opened' }).waitFor();
  expect(await appState<string>(page, 'text')).toBe(text);
  expect(await appState<boolean>(page, 'load.ok')).toBe(true);
});

test('a pcap replays with the expected verdict counts; a packet of it opens a debug run', async () => {
  const { page } = file.o;
  await setEditorText(page, XDP_DROP_UDP);
  await page.getByLabel('Open capture').setInputFiles('test/fixtures/pcap/eth-us-le.pcap');
  const cap = page.getByRole('region', { name: 'Capture' });
  await cap.getByRole('list', { name: 'Verdict counts' }).waitFor({ timeout: 20_000 });
  expect(await cap.getByRole('list', { name: 'Verdict counts' }).getByRole('listitem').allInnerTexts()).toEqual(['XDP_PASS: 3', 'XDP_DROP: 2']);
  const rows = cap.getByRole('table', { name: 'Packets' }).getByRole('row');
  expect(await rows.count()).toBe(6);
  expect(await rows.nth(2).innerText()).toMatch(/XDP_DROP/);
  await cap.getByRole('button', { name: 'Debug packet 2' }).click();
  await until(async () => (await appState<number>(page, 'snap.step')) === 0, 10_000, 'a debug run at step 0');
  expect(await appState<string>(page, 'snap.state')).toBe('paused');
  await click(page, 'Step');
  expect(await appState<number>(page, 'snap.step')).toBe(1);
  await click(page, 'Continue');
  expect(await status(page).innerText()).toContain('XDP_DROP');
  // pcapng in the other byte order, by drag and drop
  const bytes = readFileSync('test/fixtures/pcap/eth-be-ns.pcapng');
  const dt = await page.evaluateHandle((b) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(b)], 'eth-be-ns.pcapng'));
    return d;
  }, [...bytes]);
  await page.locator('.app').dispatchEvent('drop', { dataTransfer: dt });
  await until(async () => (await appState<string>(page, 'capture.file')) === 'eth-be-ns.pcapng' && (await appState<unknown>(page, 'capture.replay')) !== null, 20_000, 'the dropped capture');
  expect(await appState<number>(page, 'capture.packets')).toBe(5);
  await until(async () => (await rows.nth(5).innerText()).includes('XDP_'), 10_000, 'the last row of the pcapng');
  // times count from the first packet; the last is a Simple Packet Block, which has no time
  const times = await cap.getByRole('table', { name: 'Packets' }).locator('[role=row] > [role=cell]:nth-child(2)').allInnerTexts();
  expect(times).toEqual(['0.000 ms', '1.001 ms', '2.001 ms', '3.002 ms', 'no time']);
  // the verdict column is as wide as its names: "steps" follows the verdict, with no wide empty column between
  const gaps = await rows.evaluateAll((els) =>
    els.slice(1).map((row) => {
      const cells = row.querySelectorAll('[role=cell]');
      const text = document.createRange();
      text.selectNodeContents(cells[4]);
      return cells[5].getBoundingClientRect().left - text.getBoundingClientRect().right;
    }),
  );
  expect(gaps.length).toBe(5);
  for (const g of gaps) expect(g).toBeLessThan(48);
  await cap.getByRole('button', { name: 'Close capture' }).click();
  await cap.waitFor({ state: 'hidden' });
});

test('Export: the run request runs under run --json with the IDE result, hex slots and raw bytes', async () => {
  const { page } = file.o;
  await setEditorText(page, XDP_DROP_UDP);
  await click(page, 'Run');
  const retval = await appState<number>(page, 'snap.result.retval');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const menu = page.getByRole('menu', { name: 'Export' });
  expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['Hex slots', 'Raw bytes (download)', 'LLVM text', 'ubpf text', 'Run request (JSON)']);
  await menu.getByRole('menuitem', { name: 'Run request (JSON)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.waitFor();
  const json = await dialog.getByRole('textbox', { name: 'Exported text' }).inputValue();
  const answer = JSON.parse(answerText(json).output);
  expect(answer.load.ok).toBe(true);
  expect(answer.run.retval).toBe(retval);
  const req = JSON.parse(json);
  expect(req).toMatchObject({ prog_type: 'xdp', license: 'GPL', run: { data: expect.stringMatching(/^[0-9a-f]+$/) } });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Raw bytes (download)' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/\.bin$/);
  const raw = readFileSync((await d.path())!);
  expect(raw.length).toBe(req.insns.length * 8);
  expect(raw.toString('hex')).toBe(req.insns.join(''));
});
