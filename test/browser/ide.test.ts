/**
 * The IDE as a user and assistive technology meet it: named regions and controls, the editor
 * ready quickly, text and layout surviving a reload, nothing leaving 127.0.0.1.
 */
import { expect, test } from 'vitest';
import { appState, closeSettings, harnessForFile, openSettings, setEditorText, until, waitForEditor } from './harness';

const file = harnessForFile();

const REGIONS = ['Editor', 'Registers', 'Stack', 'Context', 'Verifier log', 'Maps', 'Terminal'];
const BUTTONS = ['Load', 'Run', 'Step', 'Step back', 'Continue', 'Restart', 'Stop'];

test('every panel is a labelled region and every control has a name', async () => {
  const { page, consoleErrors, outsideRequests, context } = await file.h.open();
  for (const name of REGIONS) await page.getByRole('region', { name, exact: true }).waitFor();
  for (const name of BUTTONS) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
  for (const name of ['Program type', 'Log level']) expect(await page.getByRole('combobox', { name, exact: true }).count()).toBe(1);
  expect(await page.getByRole('spinbutton', { name: 'Log size' }).count()).toBe(1);
  await openSettings(page);
  expect(await page.getByRole('combobox', { name: 'Syntax', exact: true }).count()).toBe(1);
  expect(await page.getByRole('checkbox', { name: 'Privileged' }).count()).toBe(1);
  await closeSettings(page);
  expect(await page.getByRole('button', { name: 'Step', exact: true }).getAttribute('title')).toContain('F10');
  await waitForEditor(page);
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
});

test('navigation to an interactive editor (printed, not asserted)', async () => {
  const ctx = await file.h.browser.newContext();
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(file.h.url);
  await waitForEditor(page);
  console.log(`[timing] navigation to an interactive editor: ${Date.now() - t0} ms`);
  await ctx.close();
});

test('a first visit opens the example program; a reload keeps typed text, settings and layout', async () => {
  const { page, context, consoleErrors } = await file.h.open();
  await waitForEditor(page);
  expect(await appState<string>(page, 'text')).toContain('.map counts');
  await setEditorText(page, 'r0 = 42\nexit\n');
  await page.getByRole('combobox', { name: 'Log level' }).selectOption('2');
  const sep = page.getByRole('separator', { name: 'Resize Editor and Registers columns' });
  const before = await sep.getAttribute('aria-valuenow');
  await sep.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const after = await sep.getAttribute('aria-valuenow');
  expect(Number(after)).toBeGreaterThan(Number(before));
  await until(async () => (await appState<string>(page, 'text')) === 'r0 = 42\nexit\n', 5000, 'the store to hold the typed text');
  await page.reload();
  await waitForEditor(page);
  expect(await appState<string>(page, 'text')).toBe('r0 = 42\nexit\n');
  expect(await page.getByRole('combobox', { name: 'Log level' }).inputValue()).toBe('2');
  expect(await page.getByRole('separator', { name: 'Resize Editor and Registers columns' }).getAttribute('aria-valuenow')).toBe(after);
  expect(consoleErrors).toEqual([]);
  await context.close();
});

test('the theme switches, says which theme is on, and is kept', async () => {
  const { page, context } = await file.h.open();
  const toggle = page.getByRole('switch', { name: 'Dark theme' });
  const was = await toggle.getAttribute('aria-checked');
  expect(await toggle.innerText()).toContain(was === 'true' ? 'on' : 'off');
  await toggle.click();
  const now = was === 'true' ? 'light' : 'dark';
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(now);
  expect(await toggle.getAttribute('aria-checked')).toBe(now === 'dark' ? 'true' : 'false');
  expect(await toggle.innerText()).toContain(now === 'dark' ? 'on' : 'off');
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(now);
  expect(await page.getByRole('switch', { name: 'Dark theme' }).getAttribute('aria-checked')).toBe(now === 'dark' ? 'true' : 'false');
  await context.close();
});
