/**
 * The first load: the editor is editable before Monaco has arrived (a light editor in the first
 * chunk), Load and Run work from it, and Monaco takes over without losing a keystroke typed
 * during the swap, with the caret, focus and undo steps carried over. Monaco's chunk is held
 * back by routing its request until the test lets it go (a condition, not a delay).
 */
import { expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { appState, click, harnessForFile, idle, until, type Opened } from './harness';
import { axeViolations, focusInside } from './a11y-support';
import { EXAMPLE_PROGRAM } from '../../app/store/example';

const file = harnessForFile();

/** A page whose Monaco chunk is held until `release()`; `asked()` says whether the page asked for it. */
async function openHeld(): Promise<{ o: Opened; release: () => void; asked: () => boolean }> {
  const context: BrowserContext = await file.h.browser.newContext({ viewport: { width: 1400, height: 900 } });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let asked = false;
  await context.route(/\/assets\/Editor-[^/]+\.js$/, async (route) => {
    asked = true;
    await held;
    await route.continue();
  });
  const o = await file.h.open('/', context);
  return { o, release, asked: () => asked };
}

const light = (page: Page) => page.getByRole('textbox', { name: /^eBPF assembly source/ });
const which = (page: Page) => page.locator('.editor-pane').getAttribute('data-editor');

test('the light editor is editable before Monaco arrives, and Load and Run work from it', async () => {
  const { o, release, asked } = await openHeld();
  const { page } = o;
  try {
    await page.locator('.editor-pane[data-editor="light"]').waitFor();
    expect(await light(page).inputValue()).toBe(EXAMPLE_PROGRAM);
    // the page asked for Monaco and is still waiting for it
    await until(async () => asked(), 10_000, 'the request for Monaco');
    await light(page).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('.type socket_filter\nr0 = 7\nexit\n');
    expect(await appState<string>(page, 'text')).toBe('.type socket_filter\nr0 = 7\nexit\n');
    expect(await page.locator('.editor-pane .light-numbers').innerText()).toBe('1\n2\n3\n4');
    // F9 sets a breakpoint on the caret's line (exit), shown in the light editor's gutter
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('F9');
    expect(await appState(page, 'breakpoints')).toEqual([3]);
    await page.locator('.editor-pane .light-bp').waitFor();
    await click(page, 'Load');
    expect(await appState<boolean>(page, 'load.ok')).toBe(true);
    expect(await appState(page, 'load.log')).toBe('0: (b7) r0 = 7\n1: (95) exit\nprocessed 2 insns\n');
    // Run stops at the breakpoint, and the gutter points at its line
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await until(async () => (await appState(page, 'snap.line')) === 3 && (await idle(page)), 10_000, 'the breakpoint');
    expect(await appState(page, 'snap.state')).toBe('paused');
    const arrow = page.locator('.editor-pane .light-pc');
    await arrow.waitFor();
    expect(await arrow.evaluate((e) => (e as HTMLElement).style.top)).toBe('36px');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await until(async () => (await appState(page, 'snap.state')) === 'exited' && (await idle(page)), 10_000, 'the run');
    expect(await appState(page, 'snap.result.retval')).toBe(7);
    // nothing of Monaco yet, and nothing an accessibility checker would report
    expect(await which(page)).toBe('light');
    expect(await page.locator('.monaco-editor').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    release();
    await page.locator('.editor-pane[data-editor="monaco"] .editor-host[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .bp-glyph').first().waitFor();
    expect(await appState<string>(page, 'text')).toBe('.type socket_filter\nr0 = 7\nexit\n');
    expect(o.consoleErrors).toEqual([]);
  } finally {
    release();
    await o.context.close();
  }
});

test('keys typed while Monaco takes over are all kept, in place, and every step can be undone in Monaco', async () => {
  const { o, release } = await openHeld();
  const { page } = o;
  try {
    await light(page).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('r0 = 1\nexit');
    // the caret to the end of the first line: what is typed next goes there
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.type('2');
    release();
    // keep typing, key by key, through the swap and a few keys beyond it
    let typed = '2';
    let afterSwap = 0;
    let beforeSwap = 0;
    while (afterSwap < 5) {
      const before = await which(page);
      await page.keyboard.type(String(typed.length % 10));
      typed += String(typed.length % 10);
      if (before === 'monaco') afterSwap++;
      else beforeSwap++;
      if (typed.length > 5000) throw new Error('Monaco never took over');
    }
    expect(beforeSwap).toBeGreaterThan(0);
    const want = `r0 = 1${typed}\nexit`;
    await until(async () => (await appState<string>(page, 'text')) === want, 5000, 'the typed text');
    expect(await focusInside(page, '.monaco-editor')).toBe(true);
    // the user was typing: Tab indents, in Monaco as it did in the light editor
    expect(await appState(page, 'tabMovesFocus')).toBe(false);
    // Undo walks back through Monaco's typing and then the light editor's, to the text the page opened with
    const seen: string[] = [];
    for (let i = 0; i < 20 && seen.at(-1) !== EXAMPLE_PROGRAM; i++) {
      const now = await appState<string>(page, 'text');
      await page.keyboard.press('Control+Z');
      await until(async () => (await appState<string>(page, 'text')) !== now, 5000, 'an undo step');
      seen.push(await appState<string>(page, 'text'));
    }
    expect(seen).toContain('r0 = 1\nexit');
    expect(seen.at(-1)).toBe(EXAMPLE_PROGRAM);
    // and Redo all the way back
    for (let i = 0; i < 20 && (await appState<string>(page, 'text')) !== want; i++) {
      const now = await appState<string>(page, 'text');
      await page.keyboard.press('Control+Shift+Z');
      await until(async () => (await appState<string>(page, 'text')) !== now, 5000, 'a redo step');
    }
    expect(await appState<string>(page, 'text')).toBe(want);
    expect(o.consoleErrors).toEqual([]);
  } finally {
    release();
    await o.context.close();
  }
});
