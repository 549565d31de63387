/**
 * Graded challenges in the IDE: opened from the gallery, a wrong program fails a goal (with
 * what went wrong) and a right one passes them all; the progress survives a reload; a challenge
 * link opens the challenge with its starter, without the program of whoever shared it.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, pageForFile, setEditorText, until, waitForEditor } from './harness';
import { challengeById } from '../../src/lessons';
import { SOLUTIONS } from '../challenges/solutions';

const file = pageForFile();
const ID = 'count-packets';
const bar = (page: Page) => page.getByRole('region', { name: 'Challenge', exact: true });
const goalState = (page: Page, goal: string) => bar(page).locator(`li[data-goal="${goal}"]`).getAttribute('data-state');

async function check(page: Page): Promise<void> {
  const before = JSON.stringify(await appState(page, 'grade'));
  await bar(page).getByRole('button', { name: 'Check', exact: true }).click();
  await until(async () => JSON.stringify(await appState(page, 'grade')) !== before && !(await appState<boolean>(page, 'grading')), 30_000, 'the grade');
}

test('a challenge fails on a wrong program and passes on a right one', async () => {
  const { page } = file.o;
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  const gallery = page.getByRole('dialog', { name: 'Lessons' });
  await gallery.getByRole('button', { name: challengeById(ID)!.title, exact: true }).click();
  await bar(page).waitFor();
  expect(await appState(page, 'text')).toBe(challengeById(ID)!.starter);
  expect(await bar(page).locator('li[data-goal]').count()).toBe(2);

  // the starter keeps every packet but counts nothing
  await check(page);
  expect(await goalState(page, 'accepted')).toBe('pass');
  expect(await goalState(page, 'count')).toBe('fail');
  expect(await bar(page).locator('li[data-goal="count"]').innerText()).toMatch(/counts holds .* which is not right/);

  await setEditorText(page, SOLUTIONS[ID]);
  await check(page);
  expect(await goalState(page, 'count')).toBe('pass');
  expect(await bar(page).innerText()).toContain('Every goal passed.');
  expect(await appState(page, `progress.${ID}.solved`)).toBe(true);
});

test('the progress survives a reload, and the gallery marks the challenge solved', async () => {
  const { page } = file.o;
  await until(async () => (await page.evaluate(() => localStorage.getItem('bpflab:state') ?? '')).includes('"solved":true'), 5000, 'the progress to be saved');
  await page.reload();
  await waitForEditor(page);
  expect(await appState(page, `progress.${ID}.solved`)).toBe(true);
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  const item = page.getByRole('dialog', { name: 'Lessons' }).locator(`li[data-challenge="${ID}"]`);
  expect(await item.innerText()).toContain('solved');
  await page.keyboard.press('Escape');
});

test('a challenge link opens the challenge with its starter, not the sharer\'s program', async () => {
  const { page } = file.o;
  await bar(page).getByRole('button', { name: 'Share challenge' }).click();
  const link = await bar(page).getByRole('textbox', { name: 'Challenge link' }).inputValue();
  expect(link).toMatch(new RegExp(`#challenge=${ID}$`));
  const other = await file.h.open(new URL(link).pathname + new URL(link).hash);
  try {
    await waitForEditor(other.page);
    await until(async () => (await appState(other.page, 'challenge.id')) === ID, 10_000, 'the challenge to open');
    expect(await appState(other.page, 'text')).toBe(challengeById(ID)!.starter);
    expect(await appState(other.page, 'text')).not.toContain('lock *(u64 *)(r0 +0) += r1');
    expect(other.consoleErrors).toEqual([]);
  } finally {
    await other.context.close();
  }
});
