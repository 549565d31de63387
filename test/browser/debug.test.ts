/**
 * The debugger: Step and Step back with registers, stack and terminal restoring; a breakpoint
 * stopping Run; a map inspector updating during a run; a map edit changing a program's result;
 * trace_printk output in the terminal; Stop ending a runaway run without losing the text.
 * Prints (does not assert) the time from the Step key to updated registers.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, click, closeSettings, idle, openSettings, pageForFile, setEditorText, terminalText, until, waitForEditor } from './harness';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { lessonById } from '../../src/lessons';

const file = pageForFile();

const regHex = (page: Page, r: number): Promise<string> =>
  page.getByRole('region', { name: 'Registers', exact: true }).locator(`tr[data-reg="${r}"] td`).first().innerText();
const step = (page: Page): Promise<number> => appState<number>(page, 'snap.step');

async function pressAndSettle(page: Page, key: string): Promise<void> {
  await page.keyboard.press(key);
  await until(() => idle(page), 10_000, `${key} to finish`);
}

test('Step forward and back: registers, stack and terminal change and restore', async () => {
  const { page } = file.o;
  await setEditorText(page, EXAMPLE_PROGRAM);
  await page.locator('.monaco-editor .view-lines').click();
  await pressAndSettle(page, 'F10'); // loads, starts the run at step 0
  expect(await step(page)).toBe(0);
  const r1 = await regHex(page, 1);
  expect(r1).toMatch(/^0x[0-9a-f]{16}$/);
  expect(await regHex(page, 6)).toBe('0x0000000000000000');

  const t0 = Date.now();
  await page.keyboard.press('F10');
  await until(async () => (await regHex(page, 6)) === r1, 10_000, 'r6 = r1');
  console.log(`[timing] Step key to updated registers: ${Date.now() - t0} ms`);
  await until(() => idle(page));
  expect(await page.getByRole('region', { name: 'Registers', exact: true }).locator('tr.changed').count()).toBe(1);

  // on to the store of the map key: *(u32 *)(r10 -4) = r7 writes the stack
  while ((await step(page)) < 8) await pressAndSettle(page, 'F10');
  const stack = page.getByRole('region', { name: 'Stack', exact: true });
  await stack.locator('tr[data-slot="-8"]').waitFor();
  expect(await stack.locator('tr[data-slot="-8"].changed').count()).toBe(1);
  const slot = await stack.locator('tr[data-slot="-8"] td.bytes').innerText();
  expect(slot.replace(/\s+/g, '')).toBe('0000000006000000');

  // run to the end: trace_printk's line reaches the terminal
  while ((await appState<string>(page, 'snap.state')) === 'paused') await pressAndSettle(page, 'F10');
  await until(async () => (await terminalText(page)).includes('proto 6'), 10_000, 'the trace_printk line');

  // step back over the call: the line goes, and the registers and stack come back
  for (let i = 0; i < 4; i++) await pressAndSettle(page, 'Shift+F11');
  await until(async () => !(await terminalText(page)).includes('proto 6'), 10_000, 'the trace line to go');
  while ((await step(page)) > 1) await pressAndSettle(page, 'Shift+F11');
  expect(await regHex(page, 6)).toBe(r1);
  expect(await stack.locator('tr[data-slot="-8"]').count()).toBe(0);
  await pressAndSettle(page, 'Shift+F11');
  expect(await step(page)).toBe(0);
  expect(await regHex(page, 6)).toBe('0x0000000000000000');

  // the timeline travels back to the end in one move, replaying the same run
  const end = await appState<number>(page, 'maxStep');
  await page.getByRole('slider', { name: 'Step of the run' }).fill(String(end));
  await until(async () => (await step(page)) === end && (await idle(page)), 10_000, 'the timeline');
  expect(await appState(page, 'snap.state')).toBe('exited');
  await until(async () => (await terminalText(page)).includes('proto 6'), 10_000, 'the trace line again');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await until(async () => (await appState(page, 'snap')) === null, 5000, 'the run to end');
});

test('a breakpoint stops Run, and trace_printk output appears in the terminal', async () => {
  const { page } = file.o;
  await setEditorText(page, EXAMPLE_PROGRAM);
  const line = EXAMPLE_PROGRAM.split('\n').findIndex((l) => l.includes('call bpf_trace_printk')) + 1;
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('F9');
  expect(await appState<number[]>(page, 'breakpoints')).toEqual([line]);
  await page.locator('.monaco-editor .bp-glyph').first().waitFor();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState(page, 'snap.line')) === line && (await idle(page)), 10_000, 'the breakpoint');
  expect(await appState(page, 'snap.state')).toBe('paused');
  await page.locator('.monaco-editor .pc-line').first().waitFor();
  await pressAndSettle(page, 'F5'); // Continue to the end
  expect(await appState(page, 'snap.state')).toBe('exited');
  await until(async () => (await terminalText(page)).includes('proto 6'), 10_000, 'the trace_printk line');
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('F9');
  expect(await appState<number[]>(page, 'breakpoints')).toEqual([]);
});

test('the map inspector updates during a run', async () => {
  const { page } = file.o;
  await setEditorText(page, EXAMPLE_PROGRAM);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => (await appState(page, 'load.ok')) === true, 10_000, 'the load');
  // the run takes seconds, more on a loaded machine: the 10 s time limit is not what this tests
  await openSettings(page);
  await page.getByRole('spinbutton', { name: 'Time limit (s)' }).fill('120');
  await closeSettings(page);
  await page.getByRole('tab', { name: 'Input' }).click();
  await page.getByRole('spinbutton', { name: 'Repeat' }).fill('50000');
  // 50,000 runs can take longer than the default 10 s time limit on a loaded machine
  await openSettings(page);
  await page.getByRole('spinbutton', { name: 'Time limit (s)' }).fill('120');
  await closeSettings(page);
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const row6 = maps.getByRole('row').filter({ has: page.getByRole('cell', { name: '6', exact: true }) });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  let seenMidRun = false;
  await until(async () => {
    const v = Number(await row6.getByRole('cell').nth(1).innerText().catch(() => '0'));
    if (v > 0 && v < 50000 && (await appState(page, 'busy')) === 'running') seenMidRun = true;
    return idle(page);
  }, 60_000, 'the run');
  expect(seenMidRun).toBe(true);
  await until(async () => (await row6.getByRole('cell').nth(1).innerText()) === '50000', 10_000, 'the final count');
  await page.getByRole('tab', { name: 'Input' }).click();
  await page.getByRole('spinbutton', { name: 'Repeat' }).fill('1');
  await openSettings(page);
  await page.getByRole('spinbutton', { name: 'Time limit (s)' }).fill('10');
  await closeSettings(page);
});

test('an edit to a map value changes the program\'s result', async () => {
  const { page } = file.o;
  const text = '.type socket_filter\n.map cfg array key=4 value=4 entries=1\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[cfg] ll\ncall bpf_map_lookup_elem\nif r0 == 0 goto out\nr0 = *(u32 *)(r0 +0)\nexit\nout:\nr0 = 0\nexit\n';
  await setEditorText(page, text);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState(page, 'snap.state')) === 'exited' && (await appState(page, 'load.progType')) === 1, 10_000, 'the run');
  expect(await appState(page, 'snap.result.retval')).toBe(0);
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  await maps.getByRole('button', { name: 'Edit entry 0' }).click();
  await maps.getByRole('textbox', { name: 'Value', exact: true }).fill('10');
  await maps.getByRole('button', { name: 'Save' }).click();
  await until(async () => (await maps.getByRole('row').nth(1).innerText()).includes('10'), 5000, 'the edited value');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState(page, 'snap.result.retval')) === 10, 10_000, 'the new result');
  expect(await appState(page, 'snap.result.verdict')).toBe('keep 10 bytes');
});

test('Stop ends a runaway run quickly and keeps the text', async () => {
  const { page } = file.o;
  const text = '.type socket_filter\nr0 = 0\nloop:\nr0 += 1\ngoto loop\n';
  await setEditorText(page, text);
  await openSettings(page);
  await page.getByRole('checkbox', { name: 'Verify' }).uncheck();
  await page.getByRole('spinbutton', { name: 'Budget' }).fill('100000000');
  await closeSettings(page);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState(page, 'busy')) === 'running', 10_000, 'the run to start');
  // stop it mid-way: once it has reported progress (or, compiled runs being fast, reached its budget)
  await until(async () => ((await appState<number | null>(page, 'progressStep')) ?? 0) > 0 || (await idle(page)), 10_000, 'the run under way');
  const t0 = Date.now();
  await page.keyboard.press('Shift+F5');
  await until(async () => (await idle(page)) && (await appState(page, 'snap')) === null, 10_000, 'the stop', 2);
  console.log(`[timing] Stop to a stopped run: ${Date.now() - t0} ms`);
  expect(await appState(page, 'text')).toBe(text);
  await openSettings(page);
  await page.getByRole('checkbox', { name: 'Verify' }).check();
  await page.getByRole('spinbutton', { name: 'Budget' }).fill('1000000');
  await closeSettings(page);
});

test('after a run is stopped, new text and a refused Load stay in view in the editor', async () => {
  // its own page at the size the screenshots use: the browser once scrolled Monaco's content
  // natively here, so the text slid out of view while the line numbers stayed
  const own = await file.h.open();
  const { page } = own;
  try {
    await page.setViewportSize({ width: 1600, height: 940 });
    await waitForEditor(page);
    await setEditorText(page, EXAMPLE_PROGRAM);
    await page.locator('.monaco-editor .view-lines').click();
    for (let i = 0; i < 5; i++) await pressAndSettle(page, 'F10');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await until(() => idle(page));
    const refused = '# x\n.type socket_filter\n.map m array key=4 value=8 entries=1\n\n    *(u32 *)(r10 -4) = 0\n    r2 = r10\n    r2 += -4\n    r1 = map[m] ll\n    call bpf_map_lookup_elem\n    r0 = *(u64 *)(r0 +0)       # r0 may be NULL here\n    exit\n';
    await setEditorText(page, refused);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await until(async () => (await appState(page, 'load.ok')) === false && (await idle(page)), 10_000, 'the refusal');
    const editor = page.getByRole('region', { name: 'Editor', exact: true });
    const inView = async () => {
      const box = await editor.boundingBox();
      const line = await editor.locator('.view-line', { hasText: 'call bpf_map_lookup_elem' }).boundingBox();
      return !!(box && line && line.x >= box.x && line.x < box.x + 120);
    };
    // the refusal reveals its line: wait until the editor has laid it out, then it must stay in view
    await until(inView, 10_000, 'the refused line laid out in view');
    expect(await inView()).toBe(true);
    expect(own.consoleErrors).toEqual([]);
  } finally {
    await own.context.close();
  }
});

test('a tracepoint program reading below its record: the Context panel shows the bytes there, the read marked', async () => {
  const { page } = file.o;
  const lesson = lessonById('verifier-hole-below-record')!;
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  const gallery = page.getByRole('dialog', { name: 'Lessons' });
  await gallery.getByRole('button', { name: lesson.title, exact: true }).click();
  await gallery.waitFor({ state: 'hidden' });
  await until(async () => (await appState<string>(page, 'text')) === lesson.source, 5000, 'the lesson in the store');
  await click(page, 'Load');
  expect(await appState<boolean>(page, 'load.ok')).toBe(true);
  while (((await appState<number | undefined>(page, 'snap.step')) ?? -1) < 2) await click(page, 'Step');
  // step 2 ran r7 = *(u64 *)(r6 -8): 8 bytes below the record
  expect(await appState(page, 'snap.last.reads')).toEqual([expect.objectContaining({ kind: 'ctx', offset: -8, size: 8 })]);
  const ctx = page.getByRole('region', { name: 'Context', exact: true });
  await ctx.getByRole('tab', { name: 'This step' }).click();
  const below = ctx.locator('details.below');
  await below.waitFor();
  expect(await below.locator('summary').innerText()).toContain('below the record: 32,768 bytes (read by this step)');
  expect(await below.innerText()).toContain('per-CPU kernel memory under the perf trace buffer');
  const rows = below.getByRole('group', { name: 'Bytes -64 to -1 below the record' });
  expect(await rows.locator('.hx.read').count()).toBe(8);
  expect(await rows.locator('.hxoff').allInnerTexts()).toEqual(['-0040', '-0030', '-0020', '-0010']);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await until(async () => (await appState(page, 'snap')) === null, 5000, 'the run to end');
});
