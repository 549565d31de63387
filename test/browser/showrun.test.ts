/**
 * "Show me a run" in the IDE, for each classic refusal of docs/verifier.md: the search finds an
 * input, the debugger runs the program with the verifier off along the refused path, stops after
 * the refused instruction, and shows what the verifier prevented (the predicted fault, or the
 * uninitialised read, the leaked address, the bytes past a map value). Where no input can exist,
 * the box says why.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, closeSettings, openSettings, pageForFile, setEditorText, until } from './harness';
import { axeViolations, focused } from './a11y-support';
import { CLASSICS } from '../insight/classics';
import { lessonById } from '../../src/lessons';

const file = pageForFile();

async function setPrivileged(page: Page, on: boolean): Promise<void> {
  if ((await appState<boolean>(page, 'privileged')) === on) return;
  await openSettings(page);
  await page.getByRole('checkbox', { name: 'Privileged' }).click();
  await until(async () => (await appState<boolean>(page, 'privileged')) === on, 5000, 'the privilege setting');
  await closeSettings(page);
}

async function loadRefused(page: Page, text: string, privileged: boolean): Promise<number> {
  await setEditorText(page, text);
  await setPrivileged(page, privileged);
  const before = JSON.stringify(await appState(page, 'load'));
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => JSON.stringify(await appState(page, 'load')) !== before && !(await appState<boolean>(page, 'loading')), 10_000, 'the load');
  expect(await appState(page, 'load.ok')).toBe(false);
  return appState<number>(page, 'load.analysis.errorPc');
}

async function showRun(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Show me a run' }).click();
  await until(async () => (await appState(page, 'witness')) !== null && !(await appState<boolean>(page, 'searching')), 30_000, 'the search');
}

test.each(CLASSICS.map((c) => [c.id, c] as const))('%s: the run reaches the refused instruction and shows what the verifier prevented', async (_id, c) => {
  const { page } = file.o;
  const errorPc = await loadRefused(page, c.source, c.privileged);
  await showRun(page);
  expect(await appState(page, 'witness.search.found')).toBe(true);
  expect(await appState(page, 'witness.reached')).toBe(true);
  // the debugger stands after the refused instruction of the unverified run
  expect(await appState(page, 'snap.last.pcBefore')).toBe(errorPc);
  const state = await appState<string>(page, 'snap.state');
  const shown = page.getByRole('note', { name: 'Show me a run' });
  expect(await shown.innerText()).toContain('This is what the verifier prevented');
  if (state === 'faulted') {
    expect(await appState<string>(page, 'snap.last.stop.message')).toMatch(c.shows);
    expect(await shown.innerText()).toMatch(c.shows);
  } else {
    expect(await appState<string>(page, 'witness.search.outcome')).toMatch(c.shows);
    expect(await shown.innerText()).toMatch(c.shows);
  }
});

test('where no input can reach the fault, it says why', async () => {
  const { page } = file.o;
  const lesson = lessonById('verifier-null-check')!;
  await loadRefused(page, lesson.source, true);
  await showRun(page);
  expect(await appState(page, 'witness.search.found')).toBe(false);
  expect(await page.getByRole('note', { name: 'Show me a run' }).innerText()).toMatch(/No run to show\.[\s\S]*never returns NULL/);
  expect(await appState(page, 'snap')).toBeNull();
  await setPrivileged(page, true);
});

test('the box closes from the keyboard, focus goes back to Show me a run, and axe finds nothing in it', async () => {
  const { page } = file.o;
  const c = CLASSICS[0];
  await loadRefused(page, c.source, c.privileged);
  await showRun(page);
  const box = page.getByRole('note', { name: 'Show me a run' });
  await box.waitFor();
  // the box itself (the editor behind it is axe.test.ts's)
  expect(await axeViolations(page, '.show-run')).toEqual([]);
  const close = box.getByRole('button', { name: 'Close Show me a run' });
  await close.focus();
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden' });
  expect(await appState(page, 'witness')).toBeNull();
  expect(await focused(page)).toContain('Show me a run');
  // the debug run it started stays
  expect(await appState(page, 'snap')).not.toBeNull();
});
