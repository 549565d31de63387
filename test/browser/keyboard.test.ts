/**
 * The keyboard and assistive technology, piece by piece: every dialog takes focus, keeps Tab
 * inside, closes on Escape and gives focus back to what opened it; the Export menu's keys; map
 * edits putting focus back on their row; the context tabs; the editor's and the terminal's Tab;
 * what the live region says; motion only when the user has not asked for less.
 */
import { expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { appState, click, idle, pageForFile, setEditorText, showTerminal, until } from './harness';
import { announced, focused, focusInside } from './a11y-support';
import { XDP_DROP_UDP } from '../support/programs';
import { EXAMPLE_PROGRAM } from '../../app/store/example';

const file = pageForFile();

/** Tab and Shift+Tab `n` times each; focus must stay inside the open modal dialog. */
async function tabStaysInside(page: Page, n: number): Promise<void> {
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(key);
      expect(await focusInside(page, 'dialog[open]'), `${key} #${i + 1}: focus on ${await focused(page)}`).toBe(true);
    }
  }
}

/** Focus is on `opener` (the same element). */
async function focusIsOn(page: Page, opener: Locator, what: string): Promise<void> {
  await until(async () => (await opener.evaluate((el) => el === document.activeElement)) === true, 5000, `focus back on ${what} (it is on ${await focused(page)})`);
}

/** Whether the page's last Tab stop is inside `selector`. */
const lastTabStopIsIn = (page: Page, selector: string): Promise<boolean> =>
  page.evaluate((sel) => {
    const all = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]')].filter(
      (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0,
    );
    return !!all.at(-1)?.closest(sel);
  }, selector);

async function escapeCloses(page: Page, dialog: Locator, opener: Locator, what: string): Promise<void> {
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await focusIsOn(page, opener, what);
}

test('Share and Lessons: opened with Enter, Tab stays inside, Escape closes, focus returns', async () => {
  const { page } = file.o;
  for (const [name, dialogName] of [
    ['Share', 'Share link'],
    ['Lessons', 'Lessons'],
  ]) {
    const opener = page.getByRole('button', { name, exact: true });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: dialogName });
    await dialog.waitFor();
    await until(() => focusInside(page, 'dialog[open]'), 5000, `focus inside ${dialogName}`);
    if (name === 'Share') expect(await focused(page)).toContain('input'); // the link, selected to copy
    const count = await dialog.evaluate((d) => d.querySelectorAll('button, input, a[href]').length);
    await tabStaysInside(page, count + 2);
    await escapeCloses(page, dialog, opener, name);
  }
});

test("while a dialog is open the debugger's keys do not act behind it", async () => {
  const { page } = file.o;
  await setEditorText(page, '.type socket_filter\nr0 = 0\nexit\n');
  expect(await appState(page, 'snap')).toBeNull();
  const load = await appState(page, 'load');
  const opener = page.getByRole('button', { name: 'Share', exact: true });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Share link' });
  await dialog.waitFor();
  await page.keyboard.press('F10');
  await page.keyboard.press('Control+Enter');
  await escapeCloses(page, dialog, opener, 'Share');
  await until(() => idle(page), 5000, 'nothing in flight');
  expect(await appState(page, 'snap')).toBeNull();
  expect(await appState(page, 'load')).toEqual(load);
  // and once it is closed they do
  await page.keyboard.press('F10');
  await until(async () => (await appState<number>(page, 'snap.step')) === 0 && (await idle(page)), 5000, 'a run at step 0');
  await click(page, 'Stop');
});

test('choosing a lesson closes the gallery on Lessons; Close lesson keeps focus on Lessons too', async () => {
  const { page } = file.o;
  const lessons = page.getByRole('button', { name: 'Lessons', exact: true });
  await lessons.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Lessons' });
  await dialog.getByRole('heading', { name: 'Lessons' }).waitFor();
  await dialog.getByRole('button').nth(1).focus(); // the first lesson
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await focusIsOn(page, lessons, 'Lessons after choosing a lesson');
  const bar = page.getByRole('region', { name: 'Lesson' });
  await bar.getByRole('button', { name: 'Close lesson' }).focus();
  await page.keyboard.press('Enter');
  await bar.waitFor({ state: 'detached' });
  await focusIsOn(page, lessons, 'Lessons after Close lesson');
});

test('the Export menu by keyboard, and its dialog: arrows in the text, Escape back to Export', async () => {
  const { page } = file.o;
  await setEditorText(page, EXAMPLE_PROGRAM); // long enough to scroll in the dialog
  const button = page.getByRole('button', { name: 'Export', exact: true });
  const menu = page.getByRole('menu', { name: 'Export' });
  await button.focus();
  await page.keyboard.press('Enter');
  await menu.waitFor();
  const item = async () => (await focused(page)).replace(/^button\[role=menuitem\] "|"$/g, '');
  expect(await item()).toBe('Hex slots');
  await page.keyboard.press('ArrowDown');
  expect(await item()).toBe('Raw bytes (download)');
  await page.keyboard.press('End');
  expect(await item()).toBe('Run request (JSON)');
  await page.keyboard.press('ArrowDown');
  expect(await item()).toBe('Hex slots');
  await page.keyboard.press('ArrowUp');
  expect(await item()).toBe('Run request (JSON)');
  await page.keyboard.press('Home');
  expect(await item()).toBe('Hex slots');
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  await focusIsOn(page, button, 'Export');
  // Tab closes it too, on the button
  await page.keyboard.press('ArrowDown');
  await menu.waitFor();
  await page.keyboard.press('Tab');
  await menu.waitFor({ state: 'detached' });
  await focusIsOn(page, button, 'Export');

  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await item()).toBe('LLVM text');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await dialog.waitFor();
  const text = dialog.getByRole('textbox', { name: 'Exported text' });
  await until(() => text.evaluate((el) => el === document.activeElement), 5000, 'focus in the exported text');
  // the arrows scroll the read-only text (the menu's handler took them before)
  expect(await text.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  expect(await text.evaluate((el) => el.scrollTop)).toBe(0);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
  await until(async () => (await text.evaluate((el) => el.scrollTop)) > 0, 5000, 'the text to scroll');
  await tabStaysInside(page, 6);
  await escapeCloses(page, dialog, button, 'Export');
});

test("the object choice and the capture table give focus back to their file buttons", async () => {
  const { page } = file.o;
  const openObject = page.getByLabel('Open object');
  await openObject.focus();
  await openObject.setInputFiles('test/fixtures/elf/tc_two.o');
  const choose = page.getByRole('dialog', { name: 'Choose a program' });
  await choose.waitFor();
  await until(() => focusInside(page, 'dialog[open]'), 5000, 'focus inside the choice');
  await tabStaysInside(page, 5);
  await escapeCloses(page, choose, openObject, 'Open object');

  await setEditorText(page, XDP_DROP_UDP);
  const openCapture = page.getByLabel('Open capture');
  await openCapture.focus();
  await openCapture.setInputFiles('test/fixtures/pcap/eth-us-le.pcap');
  const cap = page.locator('section.capture-panel');
  await cap.getByRole('list', { name: 'Verdict counts' }).waitFor({ timeout: 20_000 });
  await until(() => idle(page), 10_000, 'the replay');
  expect(await focusInside(page, 'section.capture-panel')).toBe(true);
  // a control inside it, then Escape
  await cap.getByRole('button', { name: 'Debug packet 1' }).focus();
  await escapeCloses(page, cap, openCapture, 'Open capture');
});

test('a map edit saved, cancelled or escaped puts focus back on its row; a delete on the next row', async () => {
  const { page } = file.o;
  await setEditorText(
    page,
    '.type socket_filter\n.map hits hash key=4 value=8 entries=8\n.entry hits key=01000000 value=2a00000000000000\n.entry hits key=02000000 value=0700000000000000\nr0 = 0\nexit\n',
  );
  await click(page, 'Load');
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const edits = maps.getByRole('button', { name: /^Edit entry / });
  await until(async () => (await edits.count()) === 2, 10_000, 'two entries');
  const first = edits.first();
  const label = (await first.getAttribute('aria-label'))!;
  const value = maps.getByRole('textbox', { name: 'Value', exact: true });

  await first.focus();
  await page.keyboard.press('Enter');
  await until(() => value.evaluate((el) => el === document.activeElement), 5000, 'focus in the value');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('43');
  await page.keyboard.press('Enter');
  await until(async () => (await maps.getByRole('row').filter({ hasText: '43' }).count()) === 1, 5000, 'the saved value');
  await focusIsOn(page, maps.getByRole('button', { name: label, exact: true }), `${label} after Save`);

  await page.keyboard.press('Enter');
  await value.waitFor();
  await page.keyboard.press('Escape');
  await focusIsOn(page, maps.getByRole('button', { name: label, exact: true }), `${label} after Escape`);

  await page.keyboard.press('Enter');
  await value.waitFor();
  await maps.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Enter');
  await focusIsOn(page, maps.getByRole('button', { name: label, exact: true }), `${label} after Cancel`);

  const second = (await edits.nth(1).getAttribute('aria-label'))!;
  await maps.getByRole('button', { name: label.replace('Edit', 'Delete'), exact: true }).focus();
  await page.keyboard.press('Enter');
  await until(async () => (await edits.count()) === 1, 5000, 'the delete');
  await focusIsOn(page, maps.getByRole('button', { name: second, exact: true }), `${second} after the delete`);
});

test('the context tabs: one Tab stop, arrows select, each tab controls the panel it labels', async () => {
  const { page } = file.o;
  const ctx = page.getByRole('region', { name: 'Context', exact: true });
  const tabs = ctx.getByRole('tab');
  expect(await tabs.allInnerTexts()).toEqual(['This step', 'Input']);
  const selected = ctx.getByRole('tab', { selected: true });
  expect(await ctx.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
  await selected.focus();
  const start = await selected.innerText();
  await page.keyboard.press('ArrowRight');
  const next = start === 'Input' ? 'This step' : 'Input';
  await until(async () => (await ctx.getByRole('tab', { selected: true }).innerText()) === next, 5000, 'the next tab');
  expect(await focused(page)).toContain(next);
  const tab = ctx.getByRole('tab', { selected: true });
  const panel = ctx.getByRole('tabpanel');
  expect(await tab.getAttribute('aria-controls')).toBe(await panel.getAttribute('id'));
  expect(await panel.getAttribute('aria-labelledby')).toBe(await tab.getAttribute('id'));
  expect(await ctx.getByRole('tabpanel', { name: next }).count()).toBe(1);
  await page.keyboard.press('End');
  expect(await ctx.getByRole('tab', { selected: true }).innerText()).toBe('Input');
  await page.keyboard.press('Home');
  expect(await ctx.getByRole('tab', { selected: true }).innerText()).toBe('This step');
  await page.keyboard.press('ArrowLeft');
  expect(await ctx.getByRole('tab', { selected: true }).innerText()).toBe('Input');

  // a choice holds for its run: Input picked during a run, the next run opens on This step
  const selectedTab = () => ctx.getByRole('tab', { selected: true }).innerText();
  await setEditorText(page, '.type socket_filter\nr0 = 0\nexit\n');
  await click(page, 'Step');
  await until(async () => (await selectedTab()) === 'This step', 5000, 'This step during a run');
  await ctx.getByRole('tab', { name: 'Input' }).click();
  await click(page, 'Stop');
  expect(await selectedTab()).toBe('Input');
  await click(page, 'Step');
  await until(async () => (await selectedTab()) === 'This step', 5000, 'This step for the next run');
  await click(page, 'Stop');
});

test("the editor's Tab: moves focus until you type, indents after, Ctrl+M switches; the header says which", async () => {
  const { page } = file.o;
  const text = '.type socket_filter\nr0 = 0\nexit\n';
  await setEditorText(page, text);
  const editor = page.getByRole('region', { name: 'Editor', exact: true });
  const hint = editor.locator('[data-hint="editor"]');
  const inEditor = () => focusInside(page, '.monaco-editor');
  // arriving from the keyboard: Tab passes through
  await editor.locator('.panel-body').focus();
  await page.keyboard.press('Tab');
  await until(inEditor, 5000, 'focus in the editor');
  await until(async () => (await hint.innerText()).startsWith('Tab moves focus'), 5000, 'the hint');
  await page.keyboard.press('Tab');
  await until(async () => !(await inEditor()), 5000, 'focus to leave the editor');
  expect(await focused(page)).not.toBe('body');
  await page.keyboard.press('Shift+Tab');
  await until(inEditor, 5000, 'focus back in the editor');
  await page.keyboard.press('Shift+Tab');
  await until(async () => !(await inEditor()), 5000, 'focus to leave the editor backwards');
  expect(await appState<string>(page, 'text')).toBe(text);

  // typing makes Tab indent
  await page.keyboard.press('Tab');
  await until(inEditor, 5000, 'focus in the editor');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('r0 = 1');
  await until(async () => (await hint.innerText()).startsWith('Tab indents'), 5000, 'the hint to say Tab indents');
  await until(async () => (await announced(page)).includes('Tab now indents'), 5000, 'the announcement');
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  await until(async () => (await appState<string>(page, 'text')).endsWith('\n    r0 = 1'), 5000, 'the indent');
  expect(await inEditor()).toBe(true);

  // Ctrl+M: Tab moves focus again
  await page.keyboard.press('Control+m');
  await until(async () => (await hint.innerText()).startsWith('Tab moves focus'), 5000, 'the hint after Ctrl+M');
  await until(async () => (await announced(page)).includes('Tab now moves focus'), 5000, 'the announcement');
  const was = await appState<string>(page, 'text');
  await page.keyboard.press('Tab');
  await until(async () => !(await inEditor()), 5000, 'focus to leave the editor');
  expect(await appState<string>(page, 'text')).toBe(was);

  // a click into the text means editing: Tab indents
  await page.locator('.monaco-editor .view-lines').first().click();
  await until(async () => (await hint.innerText()).startsWith('Tab indents'), 5000, 'the hint after a click');
});

test('the terminal keeps Tab; Escape then Tab (or Shift+Tab) leaves it', async () => {
  const { page } = file.o;
  await showTerminal(page); // it starts collapsed
  const term = page.getByRole('region', { name: 'Terminal', exact: true });
  expect(await term.locator('[data-hint="terminal"]').innerText()).toContain('Esc then Tab');
  const inTerm = () => focusInside(page, '[data-panel="terminal"] .xterm');
  await page.locator('.xterm').click();
  await until(inTerm, 5000, 'focus in the terminal');
  await page.keyboard.type('he');
  await page.keyboard.press('Tab');
  expect(await inTerm()).toBe(true);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await until(async () => !(await inTerm()), 5000, 'focus to leave the terminal');
  // on to the next control, or out of the page (to the browser) when the terminal is the last stop
  if ((await focused(page)) === 'body') expect(await lastTabStopIsIn(page, '[data-panel="terminal"]')).toBe(true);
  await page.keyboard.press('Shift+Tab');
  await until(inTerm, 5000, 'focus back in the terminal');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await until(async () => !(await inTerm()), 5000, 'focus to leave the terminal backwards');
  expect(await focused(page)).not.toBe('body');
  // Escape then a letter: the terminal keeps going, and a later Tab stays in it
  await page.locator('.xterm').click();
  await page.keyboard.press('Escape');
  await page.keyboard.type('l');
  await page.keyboard.press('Tab');
  expect(await inTerm()).toBe(true);
  await page.keyboard.press('Control+c');
});

test('the live region says why a load was refused, every stop, and what a step changed', async () => {
  const { page } = file.o;
  const region = page.locator('#announcer');
  expect(await region.getAttribute('role')).toBe('status');
  expect(await region.getAttribute('aria-live')).toBe('polite');
  await setEditorText(page, '.type socket_filter\nr0 = *(u64 *)(r10 -8)\nexit\n');
  await click(page, 'Load');
  const last = (await appState<string>(page, 'load.log')).trimEnd().split('\n').at(-1)!;
  expect(last).toMatch(/invalid read from stack/);
  await until(async () => (await announced(page)) === `Load refused: EACCES (13). ${last}`, 5000, 'the refusal');

  await setEditorText(page, '.type socket_filter\nr6 = r1\nr0 = 7\nexit\n');
  await click(page, 'Step');
  await until(async () => (await announced(page)) === 'Paused at step 0, pc 0, line 2', 5000, 'the pause at step 0');
  await click(page, 'Step');
  await until(async () => (await announced(page)) === 'Paused at step 1, pc 1, line 3 after r6 = r1; changed r6', 5000, 'the step');
  const r6 = page.getByRole('region', { name: 'Registers', exact: true }).getByRole('rowheader', { name: /^r6/ });
  expect(await r6.textContent()).toMatch(/^r6 •, changed, was 0x0000000000000000$/);
  await click(page, 'Continue');
  await until(async () => (await announced(page)).startsWith('Exited after 3 steps: r0 = 0x7'), 5000, 'the end');
  await click(page, 'Stop');
  await until(async () => (await announced(page)) === 'The run was stopped', 5000, 'the stop');
});

test('the map-entry flash moves only under prefers-reduced-motion: no-preference', async () => {
  const { page } = file.o;
  await setEditorText(
    page,
    '.type socket_filter\n.map m array key=4 value=8 entries=1\n*(u32 *)(r10 -4) = 0\n*(u64 *)(r10 -16) = 7\nr1 = map[m] ll\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -16\nr4 = 0\ncall bpf_map_update_elem\nr0 = 0\nexit\n',
  );
  const flash = page.getByRole('region', { name: 'Maps', exact: true }).locator('.erow .flash');
  const animation = () => flash.first().evaluate((el) => getComputedStyle(el).animationName);
  for (const motion of ['reduce', 'no-preference'] as const) {
    await page.emulateMedia({ reducedMotion: motion });
    await click(page, 'Step');
    while ((await appState<unknown[]>(page, 'touched')).length === 0) await click(page, 'Step');
    await flash.first().waitFor();
    // (the overlay is redrawn when the maps refresh after the step: read it once it is there)
    const want = motion === 'reduce' ? 'none' : 'flash';
    await until(async () => (await animation().catch(() => '')) === want, 5000, `animation ${want} under ${motion}`);
    expect(await page.getByRole('region', { name: 'Maps', exact: true }).locator('.erow.touched').count()).toBe(1);
    await click(page, 'Stop');
  }
});

test("under reduced motion the editor's own animations end at once (a hover fading in)", async () => {
  const { page } = file.o;
  const fade = async (): Promise<number> => {
    const hover = page.locator('.monaco-hover.fade-in').filter({ hasText: 'bpf_get_prandom_u32' }).first();
    await page.mouse.move(0, 0);
    await hover.waitFor({ state: 'hidden' });
    await page.locator('.view-line span', { hasText: 'bpf_get_prandom_u32' }).first().hover();
    await hover.waitFor();
    return hover.evaluate((el) => parseFloat(getComputedStyle(el).animationDuration));
  };
  try {
    await setEditorText(page, '.type socket_filter\ncall bpf_get_prandom_u32\nexit\n');
    expect(await fade()).toBeCloseTo(0.1); // Monaco's own 100 ms fade
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await fade()).toBeLessThanOrEqual(0.001);
  } finally {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.mouse.move(0, 0);
  }
});
