/**
 * Keys that keep up: a held F10 steps once per key repeat, however fast they come; typing at full
 * speed gives exactly the typed text (a completion list that pops up is never taken by Enter
 * unless the user moved in it).
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, idle, pageForFile, setEditorText, until } from './harness';

const file = pageForFile();

/** Empties the editor (select all, delete) with the caret in it. */
async function emptyEditor(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await until(async () => (await appState(page, 'text')) === '', 5000, 'an empty editor');
}

test('holding F10 for 30 key repeats executes 30 steps, in order', async () => {
  const { page } = file.o;
  const lines = ['.type socket_filter', 'r0 = 0', ...Array.from({ length: 60 }, (_, i) => `r0 += ${i + 1}`), 'exit', ''];
  await setEditorText(page, lines.join('\n'));
  await page.keyboard.press('F10'); // starts the debug run at step 0
  await until(async () => (await appState(page, 'snap.step')) === 0 && (await idle(page)), 10_000, 'the run to start');
  // a key held down: one keydown, then 29 repeats, sent as fast as the page takes events
  for (let i = 0; i < 30; i++) await page.keyboard.down('F10');
  await page.keyboard.up('F10');
  // the engine answers slower than the keys come: the steps are queued, none dropped
  await until(async () => (await idle(page)) && (await appState(page, 'snap.step')) === 30, 20_000, 'step 30');
  const snap = await appState<{ step: number; state: string; line: number }>(page, 'snap');
  expect(snap).toMatchObject({ step: 30, state: 'paused', line: 32 });
  // r0 = 1 + 2 + ... + 29 after 30 steps (step 1 ran r0 = 0)
  const r0 = await appState<string>(page, 'snap.regs.0');
  expect(r0).toBe(`${(29 * 30) / 2}n`);
  await page.keyboard.press('Shift+F5');
  await until(async () => (await appState(page, 'snap')) === null && (await idle(page)), 5000, 'the run to stop');
});

test('typing a program with labels key by key at full speed gives exactly the typed text', async () => {
  const { page } = file.o;
  await emptyEditor(page);
  const typed = [
    '.type socket_filter',
    '.map counts hash key=4 value=8 entries=16',
    'r6 = r1',
    'r2 = 20',
    'if r2 > 14 goto out',
    'r1 = map[counts] ll',
    'call bpf_map_lookup_elem',
    'if r0 == 0 goto out',
    'goto done',
    'out:',
    'r0 = 0',
    'done:',
    'exit',
    '',
  ].join('\n');
  await page.keyboard.type(typed); // no delay between keys; '\n' is Enter
  await until(async () => (await appState(page, 'text')) === typed, 5000, 'the typed text').catch(async (e: Error) => {
    throw new Error(`${e.message}: the editor holds ${JSON.stringify(await appState(page, 'text'))}`);
  });
});

test('Enter takes a suggestion only once the list was navigated; Tab takes the first', async () => {
  const { page } = file.o;
  await emptyEditor(page);
  const widget = page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'bpf_map_update_elem' }).first();
  // the list opens by itself while typing: Enter is a newline
  await page.keyboard.type('call bpf_map_up');
  await widget.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await until(async () => (await appState(page, 'text')) === 'call bpf_map_up\n', 5000, 'a plain newline');
  // moved into the list: Enter takes the item
  await page.keyboard.type('call bpf_map_up');
  await widget.waitFor({ timeout: 10_000 });
  await page.keyboard.press('ArrowDown');
  await page.locator('.suggest-widget.visible .monaco-list-row.focused').first().waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter');
  await until(async () => (await appState(page, 'text')) === 'call bpf_map_up\ncall bpf_map_update_elem', 5000, 'the chosen helper');
  // Tab takes the first item without moving in the list
  await page.keyboard.press('Enter');
  await page.keyboard.type('call bpf_map_up');
  await widget.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Tab');
  await until(
    async () => (await appState(page, 'text')) === 'call bpf_map_up\ncall bpf_map_update_elem\ncall bpf_map_update_elem',
    5000,
    'the first helper by Tab',
  );
});
