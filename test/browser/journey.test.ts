/**
 * A whole session by keyboard only (issue 16's "done when"): write a program in the editor, leave
 * it with its documented keys, Load, Step five times with Enter on the focused Step button, Step
 * back, edit a map value, open and close each dialog (and the capture table) with Escape, and leave the terminal with
 * Escape then Shift+Tab. No click, no focus() from the test: every move is a key. After every
 * key, focus is somewhere (never on <body>).
 */
import { expect, test } from 'vitest';
import type { FileChooser, Page } from 'playwright-core';
import { appState, idle, pageForFile, until } from './harness';
import { focused, focusInside } from './a11y-support';

const file = pageForFile();

const PROGRAM = [
  '.type socket_filter',
  '.map hits hash key=4 value=8 entries=8',
  '.entry hits key=01000000 value=2a00000000000000',
  'r0 = 0',
  'r1 = 1',
  'r2 = 2',
  'r3 = 3',
  'r4 = 4',
  'r5 = 5',
  'exit',
].join('\n');

/** Presses `key`; focus must not be lost. */
async function press(page: Page, key: string): Promise<void> {
  await page.keyboard.press(key);
  expect(await focused(page), `focus after ${key}`).not.toBe('body');
}

/** Presses `key` until `there` holds (at most `max` times), focus never lost on the way. */
async function pressUntil(page: Page, key: string, there: () => Promise<boolean>, what: string, max = 60): Promise<number> {
  for (let n = 1; n <= max; n++) {
    await press(page, key);
    if (await there()) return n;
  }
  throw new Error(`${max} × ${key} never reached ${what} (focus on ${await focused(page)})`);
}

const inToolbar = (page: Page) => focusInside(page, '[role="toolbar"][aria-label="Program and debugger"]');
const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? (document.activeElement as HTMLElement | null)?.innerText.replace('▾', '').trim() ?? '');

/** In the toolbar: Right until the control named `name` has focus. */
async function toolbarTo(page: Page, name: string): Promise<void> {
  await pressUntil(page, 'ArrowRight', async () => (await focusedName(page)) === name && (await inToolbar(page)), `the toolbar's ${name}`, 20);
}

/** Enter on the focused command and wait until it is done; focus stays on it. */
async function enterOn(page: Page, name: string, done: () => Promise<boolean>, what: string): Promise<void> {
  expect(await focusedName(page)).toBe(name);
  await press(page, 'Enter');
  await until(async () => (await done()) && (await idle(page)), 10_000, what);
  expect(await focusedName(page), `focus still on ${name} after ${what}`).toBe(name);
}

/** Escape closes the open dialog (or menu) and focus comes back to `name`. */
async function escapeBackTo(page: Page, name: string): Promise<void> {
  await press(page, 'Escape');
  await until(async () => (await page.locator('dialog[open], [role="menu"]').count()) === 0, 5000, 'the dialog to close');
  await until(async () => (await focusedName(page)) === name, 5000, `focus back on ${name} (it is on ${await focused(page)})`);
}

async function dialogHasFocus(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('dialog', { name }).waitFor();
  await until(() => focusInside(page, 'dialog[open]'), 5000, `focus inside ${name}`);
}

test('a whole session by keyboard only, focus never on <body>', async () => {
  const { page } = file.o;
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const step = () => appState<number>(page, 'snap.step');
  // file choosers, listened for from the start (so the browser surely hands them to the test)
  const choosers: FileChooser[] = [];
  page.on('filechooser', (c) => choosers.push(c));
  const chosen = async (): Promise<FileChooser> => {
    await until(async () => choosers.length > 0, 10_000, `a file chooser (focus on ${await focused(page)})`);
    return choosers.shift()!;
  };

  // the toolbar is one Tab stop: the first Tab lands on Load, the next one leaves the toolbar
  await press(page, 'Tab');
  expect(await inToolbar(page)).toBe(true);
  expect(await focusedName(page)).toBe('Load');
  await press(page, 'Tab');
  expect(await inToolbar(page)).toBe(false);

  // write: Tab on to the editor (it lets Tab pass until you type), select all, type the program
  await pressUntil(page, 'Tab', () => focusInside(page, '.monaco-editor'), 'the editor');
  await press(page, 'Control+A');
  await page.keyboard.insertText(PROGRAM.slice(0, -1));
  await page.keyboard.type(PROGRAM.slice(-1)); // typed keys: Tab indents from now on
  await press(page, 'Escape'); // a completion list, if one opened
  await until(async () => (await appState<string>(page, 'text')) === PROGRAM, 5000, 'the typed program');
  await until(async () => (await appState<boolean>(page, 'tabMovesFocus')) === false, 5000, 'Tab to indent after typing');

  // leave the editor as its header says: Ctrl+M, then Shift+Tab on back to the toolbar
  await press(page, 'Control+m');
  await until(async () => (await appState<boolean>(page, 'tabMovesFocus')) === true, 5000, 'Tab to move focus');
  await pressUntil(page, 'Shift+Tab', () => inToolbar(page), 'the toolbar');
  expect(await appState<string>(page, 'text')).toBe(PROGRAM); // nothing indented on the way

  // Load, on the control the toolbar remembers
  await enterOn(page, 'Load', async () => (await appState<boolean>(page, 'load.ok')) === true, 'the load');

  // Step: the first Enter starts the run at step 0, five more step it
  await toolbarTo(page, 'Step');
  await enterOn(page, 'Step', async () => (await step()) === 0, 'the run at step 0');
  for (let n = 1; n <= 5; n++) await enterOn(page, 'Step', async () => (await step()) === n, `step ${n}`);
  expect(await appState<number>(page, 'snap.pc')).toBe(5);
  expect(await page.locator('#announcer').innerText()).toMatch(/^Paused at step 5, pc 5, line 9 after r4 = 4; changed r4$/);

  // Step back
  await press(page, 'ArrowRight');
  await enterOn(page, 'Step back', async () => (await step()) === 4, 'the step back');

  // edit the map's value: Tab on to the entry's Edit, Enter, type, Enter
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const edit = maps.getByRole('button', { name: /^Edit entry / });
  await pressUntil(page, 'Tab', () => edit.evaluate((el) => el === document.activeElement), "the entry's Edit", 80);
  await press(page, 'Enter');
  await until(() => maps.getByRole('textbox', { name: 'Value', exact: true }).evaluate((el) => el === document.activeElement), 5000, 'focus in the value');
  await press(page, 'Control+A');
  await page.keyboard.type('43');
  await press(page, 'Enter');
  await until(async () => (await maps.getByRole('row').filter({ hasText: '43' }).count()) === 1, 5000, 'the saved value');
  await until(() => edit.evaluate((el) => el === document.activeElement), 5000, "focus back on the entry's Edit");

  // each dialog: opened with Enter from the toolbar, closed with Escape, focus back on its opener
  await pressUntil(page, 'Shift+Tab', () => inToolbar(page), 'the toolbar', 80);
  await press(page, 'Home');
  expect(await focusedName(page)).toBe('Load');

  await toolbarTo(page, 'Settings');
  await press(page, 'Enter');
  await dialogHasFocus(page, 'Settings');
  await press(page, 'Tab');
  expect(await focusInside(page, 'dialog[open]')).toBe(true);
  await escapeBackTo(page, 'Settings');

  await toolbarTo(page, 'Lessons');
  await press(page, 'Enter');
  await dialogHasFocus(page, 'Lessons');
  await escapeBackTo(page, 'Lessons');

  await toolbarTo(page, 'Export');
  await press(page, 'Enter');
  await page.getByRole('menu', { name: 'Export' }).waitFor();
  await escapeBackTo(page, 'Export'); // the menu
  await press(page, 'ArrowDown'); // opens it on its first item
  await pressUntil(page, 'ArrowDown', async () => (await focusedName(page)) === 'LLVM text', 'LLVM text', 8);
  await press(page, 'Enter');
  await dialogHasFocus(page, /^Export/);
  await escapeBackTo(page, 'Export'); // the dialog

  await toolbarTo(page, 'Share');
  await press(page, 'Enter');
  await dialogHasFocus(page, 'Share link');
  await escapeBackTo(page, 'Share');

  // a clang object: Enter on Open object opens the file chooser; the choice of program is a dialog too
  await toolbarTo(page, 'Open object');
  await press(page, 'Enter');
  await (await chosen()).setFiles('test/fixtures/elf/tc_two.o');
  await dialogHasFocus(page, 'Choose a program');
  await escapeBackTo(page, 'Open object');
  expect(await appState<string>(page, 'text')).toBe(PROGRAM); // Escape chose nothing
  expect(await step()).toBe(4); // the run is where the keys left it

  // a packet capture: its table takes focus, Escape closes it, focus back on Open capture
  await toolbarTo(page, 'Open capture');
  await press(page, 'Enter');
  await (await chosen()).setFiles('test/fixtures/pcap/eth-us-le.pcap');
  const cap = page.locator('section.capture-panel');
  await cap.getByRole('list', { name: 'Verdict counts' }).waitFor({ timeout: 20_000 });
  await until(() => idle(page), 10_000, 'the replay');
  await until(() => focusInside(page, 'section.capture-panel'), 5000, 'focus in the capture table');
  await press(page, 'Escape');
  await cap.waitFor({ state: 'detached' });
  await until(async () => (await focusedName(page)) === 'Open capture', 5000, `focus back on Open capture (it is on ${await focused(page)})`);

  // the terminal: Tab to its Expand, Enter, Tab into it, a command, then Escape and Shift+Tab out
  await pressUntil(page, 'Tab', async () => (await focusedName(page)) === 'Expand Terminal', "the terminal's Expand", 80);
  await press(page, 'Enter');
  const term = page.getByRole('region', { name: 'Terminal', exact: true });
  await term.locator('.xterm-rows').waitFor({ timeout: 30_000 });
  await pressUntil(page, 'Tab', () => focusInside(page, '[data-panel="terminal"] .xterm'), 'the terminal', 10);
  await page.keyboard.type('help');
  await press(page, 'Enter');
  await until(async () => (await term.locator('.xterm-rows').innerText()).includes('map'), 10_000, 'the help text');
  await press(page, 'Tab'); // the terminal keeps Tab
  expect(await focusInside(page, '[data-panel="terminal"] .xterm')).toBe(true);
  await press(page, 'Escape');
  await press(page, 'Shift+Tab');
  await until(async () => !(await focusInside(page, '[data-panel="terminal"] .xterm')), 5000, 'focus out of the terminal');
  expect(await focused(page)).not.toBe('body');
});
