/**
 * The verifier's states without running: clicking a line of the log fills the registers and
 * stack panels with that line's state, marked as the verifier's view; an instruction that two
 * paths reach has a path picker; hovering a register in the editor shows its types there; and
 * tracing a register highlights the instructions that produced it.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, pageForFile, setEditorText, until } from './harness';

const file = pageForFile();

// two paths reach `b:` (insn 6) with r6 = imm1 and r6 = inv; the lookup's key pointer is fp-4
const PROGRAM = `.type socket_filter
.map m hash key=4 value=8 entries=4
  r0 = 0
  r2 = *(u32 *)(r1 +0)
  if r2 > 10 goto a
  r6 = 1
  goto b
a:
  r6 = r2
b:
  *(u32 *)(r10 -4) = r6
  r2 = r10
  r2 += -4
  r1 = map[m] ll
  call bpf_map_lookup_elem
  r0 = r6
  exit
`;

const regs = (page: Page) => page.getByRole('region', { name: 'Registers', exact: true });
const log = (page: Page) => page.getByRole('region', { name: 'Verifier log', exact: true });
const typeOf = (page: Page, r: number) => regs(page).locator(`.verifier-view tr[data-reg="${r}"] td.vtype`).innerText();

async function load(page: Page): Promise<void> {
  await setEditorText(page, PROGRAM);
  const before = JSON.stringify(await appState(page, 'load'));
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => JSON.stringify(await appState(page, 'load')) !== before && !(await appState<boolean>(page, 'loading')), 10_000, 'the load');
}

test('clicking a log line fills the registers and stack panels with its state, as the verifier saw it', async () => {
  const { page } = file.o;
  await load(page);
  expect(await appState(page, 'load.ok')).toBe(true);
  expect(await appState(page, 'snap')).toBeNull();
  await log(page).locator('li.insn', { hasText: 'call 1' }).first().getByRole('button').click();
  await until(async () => (await appState(page, 'inspect')) !== null, 5000, 'the visit to be inspected');
  const view = regs(page).locator('.verifier-view');
  await view.waitFor();
  expect(await view.innerText()).toMatch(/The verifier's view\s+before insn 11/);
  expect(await typeOf(page, 2)).toBe('fp-4');
  expect(await typeOf(page, 1)).toBe('map_ptr(ks=4,vs=8)');
  expect(await typeOf(page, 4)).toBe('not init');
  // the stack: the u32 stored at fp-4 is bytes 4..7 of slot fp-8 (lowest address first)
  const slot = page.getByRole('region', { name: 'Stack', exact: true }).locator('.verifier-view tr[data-slot="-8"] td.byte-kinds');
  expect((await slot.innerText()).replace(/\s+/g, '')).toBe('····mmmm');
  // the line is marked as the one shown, and the editor's cursor is on its instruction
  expect(await log(page).locator('li.inspected').innerText()).toContain('call 1');
  expect(await appState(page, 'cursorLine')).toBe(15);
});

test('an instruction two paths reach: the path picker switches between their states', async () => {
  const { page } = file.o;
  await log(page).locator('li.insn', { hasText: '*(u32 *)(r10 -4) = r6' }).first().getByRole('button').click();
  const picker = regs(page).getByRole('combobox', { name: "Path of the verifier's walk" });
  await picker.waitFor();
  expect(await picker.locator('option').count()).toBe(2);
  const first = await typeOf(page, 6);
  const other = await picker.locator('option').nth(1).getAttribute('value');
  await picker.selectOption(other!);
  await until(async () => (await typeOf(page, 6)) !== first, 5000, 'the other path\'s state');
  expect([first, await typeOf(page, 6)].sort()).toEqual(['imm1', 'inv']);
});

test('hovering a register in the editor shows the verifier\'s view at that line, path by path', async () => {
  const { page } = file.o;
  const line = page.locator('.monaco-editor .view-line', { hasText: 'r0 = r6' });
  await line.locator('span span', { hasText: /^r6$/ }).last().hover();
  const hover = page.locator('.monaco-hover');
  await until(async () => (await hover.count()) > 0 && (await hover.first().innerText()).includes("the verifier's view"), 10_000, 'the hover');
  const h = await hover.first().innerText();
  expect(h).toMatch(/path \d+: imm1|path \d+: inv/);
  expect(h).toContain('r6');
});

test('tracing a register lists the instructions that produced it and highlights them in the editor', async () => {
  const { page } = file.o;
  await log(page).locator('li.insn', { hasText: 'call 1' }).first().getByRole('button').click();
  await regs(page).getByRole('button', { name: 'trace r2 (where its value came from)' }).click();
  const box = regs(page).getByRole('region', { name: 'Where r2 came from' });
  await box.waitFor();
  const steps = await box.locator('li').allInnerTexts();
  expect(steps.map((s) => /^line (\d+)\s+(\w+)/.exec(s)?.slice(1).join(' '))).toEqual(['13 wrote', '12 wrote']);
  expect(await box.innerText()).toContain('the frame pointer r10');
  await page.locator('.monaco-editor .prov-line').first().waitFor();
  expect(await page.locator('.monaco-editor .prov-line').count()).toBe(2);
});
