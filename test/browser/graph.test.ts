/**
 * The exploration graph: a refused program's graph shows the refused path in red from the
 * first block to the refused one, the pushed branch dashed, the walk's paths listed; a block
 * opens with its instructions and states; and a program of about 4,000 instructions lays out
 * (collapsed) and can be searched.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, pageForFile, setEditorText, until } from './harness';

const file = pageForFile();

const REFUSED = `.type socket_filter
  r2 = *(u32 *)(r1 +0)
  r0 = 0
  if r2 > 10 goto big
  exit
big:
  if r2 > 100 goto huge
  exit
huge:
  r0 = *(u64 *)(r10 -8)
  exit
`;

async function load(page: Page, text: string): Promise<void> {
  await setEditorText(page, text);
  const before = JSON.stringify(await appState(page, 'load'));
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => JSON.stringify(await appState(page, 'load')) !== before && !(await appState<boolean>(page, 'loading')), 30_000, 'the load');
}

async function openGraph(page: Page): Promise<void> {
  // the Graph button of the log maximises the Exploration graph pane (collapsed until then)
  await page.getByRole('button', { name: 'Graph', exact: true }).click();
  await until(async () => (await appState(page, 'layout.maximized')) === 'graph', 5000, 'the graph pane maximised');
  await page.locator('[data-panel="graph"] .graph-pane[data-ready="true"]').waitFor({ timeout: 60_000 });
}

async function closeGraph(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Restore Exploration graph', exact: true }).click();
  await page.getByRole('button', { name: 'Collapse Exploration graph', exact: true }).click();
  await page.locator('.graph-pane').waitFor({ state: 'detached' });
}

test('a refused program: the refused path in red, the refused block marked, the walk listed', async () => {
  const { page } = file.o;
  await load(page, REFUSED);
  expect(await appState(page, 'load.errnoName')).toBe('EACCES');
  await openGraph(page);
  const starts = async (sel: string) => (await page.locator(sel).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-start'))))).sort((a, b) => a - b);
  expect(await starts('.gblock.on-error')).toEqual([0, 4, 6]);
  expect(await starts('.gblock.refused')).toEqual([6]);
  expect(await page.locator('.gblock.refused').innerText()).toContain('refused');
  expect(await page.locator('.react-flow__edge.on-error').count()).toBe(2);
  expect(await page.locator('.react-flow__edge.pushed').count()).toBe(2);
  const walk = page.getByRole('list', { name: 'Paths in the order the verifier explored them' });
  expect(await walk.locator('li').allInnerTexts()).toEqual([
    'path 0 from insn 0 — reached exit',
    'path 1: popped, from 2 to 4 — reached exit',
    'path 2: popped, from 4 to 6 — refused here',
  ]);
  // a block opens with its instructions and the verifier's states there
  await page.locator('.gblock.refused').click();
  const details = page.getByRole('region', { name: 'Block at instruction 6' });
  await details.waitFor();
  expect(await details.innerText()).toContain('6: (79) r0 = *(u64 *)(r10 -8)');
  expect(await details.innerText()).toMatch(/path 2: R0=imm0 R1=ctx R2=inv R10=fp/);
  await closeGraph(page);
});

test('a program of about 4,000 instructions: laid out collapsed, searchable', async () => {
  const { page } = file.o;
  const body = ['.type socket_filter', 'r0 = 0', 'r3 = 2', 'r2 = *(u32 *)(r1 +0)'];
  for (let i = 0; i < 1000; i++) body.push(`if r2 > ${i} goto l${i}`, 'r3 = 2', `l${i}:`, 'r0 = 1', 'r4 = 3');
  body.push('exit');
  // its log would not fit the default log_size: load it without one (the walk is recorded all the same)
  await page.getByRole('combobox', { name: 'Log level' }).selectOption('0');
  await load(page, body.join('\n') + '\n');
  expect(await appState(page, 'load.ok')).toBe(true);
  expect(await appState<number>(page, 'load.program.slots')).toBeGreaterThan(4000);
  await openGraph(page);
  const pane = page.locator('.graph-pane');
  expect(await pane.getAttribute('data-blocks')).toBe('2001');
  expect(await page.getByRole('checkbox', { name: 'collapse straight chains' }).isChecked()).toBe(true);
  await page.getByRole('searchbox', { name: 'Find a block by instruction number or text' }).fill('3000');
  await until(async () => (await page.locator('.gblock.hit').count()) === 1, 20_000, 'the block of insn 3000');
  expect(Number(await page.locator('.gblock.hit').getAttribute('data-start'))).toBeLessThanOrEqual(3000);
  await closeGraph(page);
  await page.getByRole('combobox', { name: 'Log level' }).selectOption('1');
});
