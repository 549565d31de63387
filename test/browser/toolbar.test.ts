/**
 * The toolbars by keyboard (the WAI-ARIA toolbar pattern): each is one Tab stop, Left/Right move
 * (wrapping), Home/End jump, Tab comes back to the control used last; what the toolbar opens (the
 * Settings popover, a menu) keeps its own keys. The Settings popover is a modal dialog. On a
 * phone the same holds for the top toolbar and the step bar, whose Step repeats with Enter.
 */
import { expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { appState, harnessForFile, idle, setEditorText, until, waitForEditor } from './harness';
import { focused, focusInside } from './a11y-support';

const file = harnessForFile();

/** The names of the toolbar's controls that are in the Tab order (tabindex 0). */
const tabStops = (bar: Locator) =>
  bar.evaluate((b) =>
    [...b.querySelectorAll<HTMLElement>('button, select, input, a[href]')]
      .filter((el) => el.tabIndex >= 0 && !el.closest('dialog, [role="menu"]') && el.getClientRects().length > 0)
      .map((el) => el.getAttribute('aria-label') ?? el.innerText.replace('▾', '').trim()),
  );

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? (document.activeElement as HTMLElement | null)?.innerText.replace('▾', '').trim() ?? '');

/** Focus lands on `name` after `after` (a closing dialog hands focus back in a later task: wait for it, then check). */
async function expectFocus(page: Page, name: string, after: string): Promise<void> {
  await until(async () => (await focusedName(page)) === name, 5000, `focus on ${name}`).catch(() => undefined);
  expect(await focusedName(page), `after ${after} (focus on ${await focused(page)})`).toBe(name);
}

test('the toolbar: one Tab stop, arrows, Home/End, and Tab back to the control used last', async () => {
  const o = await file.h.open();
  try {
    const { page } = o;
    await page.setViewportSize({ width: 1440, height: 900 });
    await waitForEditor(page);
    const bar = page.getByRole('toolbar', { name: 'Program and debugger' });
    expect(await tabStops(bar)).toEqual(['Load']);
    await page.keyboard.press('Tab');
    await expectFocus(page, 'Load', 'Tab from the top');
    const names: string[] = ['Load'];
    for (;;) {
      await page.keyboard.press('ArrowRight');
      const n = await focusedName(page);
      if (n === 'Load') break; // wrapped
      expect(await focusInside(page, '[role="toolbar"]'), n).toBe(true);
      names.push(n);
      expect(names.length).toBeLessThan(30);
    }
    expect(names.slice(0, 8)).toEqual(['Load', 'Run', 'Step', 'Step back', 'Continue', 'Pause', 'Restart', 'Stop']);
    expect(names).toEqual(expect.arrayContaining(['Program type', 'Settings', 'Lessons', 'Export', 'Share']));
    // (each control once, and still one Tab stop)
    expect(new Set(names).size).toBe(names.length);
    expect(await tabStops(bar)).toEqual(['Load']);
    await page.keyboard.press('ArrowLeft');
    await expectFocus(page, names.at(-1)!, 'Left from the first');
    await page.keyboard.press('Home');
    await expectFocus(page, 'Load', 'Home');
    await page.keyboard.press('End');
    await expectFocus(page, names.at(-1)!, 'End');

    // Left and Right on the program type's select move on and leave its value alone
    const progType = await appState<number>(page, 'progType');
    await page.keyboard.press('Home');
    while ((await focusedName(page)) !== 'Program type') await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expectFocus(page, 'Settings', 'Right on the select');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await appState<number>(page, 'progType')).toBe(progType);

    // Tab leaves, Shift+Tab comes back to the control used last
    await expectFocus(page, names[names.indexOf('Program type') - 1], 'Left twice');
    const last = await focusedName(page);
    expect(await tabStops(bar)).toEqual([last]);
    await page.keyboard.press('Tab');
    expect(await focusInside(page, '[role="toolbar"]')).toBe(false);
    await page.keyboard.press('Shift+Tab');
    await expectFocus(page, last, 'Shift+Tab back');
    // a click makes its control the Tab stop too
    await bar.getByRole('button', { name: 'Run', exact: true }).click();
    await until(() => idle(page), 10_000, 'the run');
    expect(await tabStops(bar)).toEqual(['Run']);
  } finally {
    await o.context.close();
  }
});

test('Settings is a modal dialog: focus in, Tab inside, Escape or a press outside closes, focus back', async () => {
  const o = await file.h.open();
  try {
    const { page } = o;
    await page.setViewportSize({ width: 1440, height: 900 });
    await waitForEditor(page);
    const button = page.getByRole('button', { name: 'Settings', exact: true });
    await page.keyboard.press('Tab');
    while ((await focusedName(page)) !== 'Settings') await page.keyboard.press('ArrowRight');
    expect(await button.getAttribute('aria-haspopup')).toBe('dialog');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).matches(':modal'))).toBe(true);
    await until(() => focusInside(page, 'dialog[open]'), 5000, 'focus in Settings');
    expect(await focused(page)).toContain('select'); // Syntax, the first control
    const n = await dialog.evaluate((d) => d.querySelectorAll('input, select').length);
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < n + 2; i++) {
        await page.keyboard.press(key);
        expect(await focusInside(page, 'dialog[open]'), `${key} #${i + 1}`).toBe(true);
      }
    }
    // it sits under its button, inside the window
    const b = (await button.boundingBox())!;
    const d = (await dialog.boundingBox())!;
    expect(d.y).toBeGreaterThanOrEqual(b.y + b.height);
    expect(d.y).toBeLessThan(b.y + b.height + 10);
    expect(d.x + d.width).toBeLessThanOrEqual(1440);
    // the debugger's keys do not act behind it
    await page.keyboard.press('F10');
    expect(await appState(page, 'snap')).toBeNull();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expectFocus(page, 'Settings', 'Escape');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // a press outside it closes it too
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.mouse.click(700, 600);
    await dialog.waitFor({ state: 'detached' });
    await expectFocus(page, 'Settings', 'a press outside');
    expect(await appState(page, 'snap')).toBeNull();
  } finally {
    await o.context.close();
  }
});

test('a phone: the top toolbar and the step bar are one Tab stop each; Enter on Step repeats', async () => {
  const phone = await file.h.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const o = await file.h.open('/', phone);
  try {
    const { page } = o;
    await waitForEditor(page);
    await setEditorText(page, '.type socket_filter\nr0 = 0\nr1 = 1\nr2 = 2\nr3 = 3\nexit\n');
    const top = page.getByRole('toolbar', { name: 'Program and debugger' });
    const steps = page.getByRole('toolbar', { name: 'Debugger', exact: true });
    expect(await tabStops(top)).toEqual(['Load']);
    expect(await tabStops(steps)).toEqual(['Step back']);

    // from the editor (Ctrl+M: Tab moves focus), back to the top toolbar
    await page.keyboard.press('Control+m');
    for (let i = 0; i < 20 && !(await focusInside(page, '.toolbar')); i++) await page.keyboard.press('Shift+Tab');
    await expectFocus(page, 'Load', 'Shift+Tab into the toolbar');
    const names = ['Load'];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('ArrowRight');
      names.push(await focusedName(page));
    }
    expect(names).toEqual(['Load', 'Run', 'Settings', 'Session', 'Load', 'Run', 'Settings']);
    // Settings on a phone: the same modal, with the theme switch in it
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('switch', { name: 'Dark theme' }).waitFor();
    await until(() => focusInside(page, 'dialog[open]'), 5000, 'focus in Settings');
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expectFocus(page, 'Settings', 'Escape');
    // the Session menu: a menu button
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Session' });
    await menu.waitFor();
    await expectFocus(page, 'Lessons…', 'Enter on Session');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await expectFocus(page, 'Session', 'Escape');

    // on to the step bar: one Tab stop, Right to Step, Enter steps (loading first) and repeats
    for (let i = 0; i < 80 && !(await focusInside(page, '.stepbar')); i++) {
      await page.keyboard.press('Tab');
      expect(await focused(page)).not.toBe('body');
    }
    await expectFocus(page, 'Step back', 'Tab into the step bar');
    await page.keyboard.press('ArrowRight');
    await expectFocus(page, 'Step', 'Right');
    for (let n = 0; n <= 3; n++) {
      await page.keyboard.press('Enter');
      await until(async () => (await appState<number>(page, 'snap.step')) === n && (await idle(page)), 10_000, `step ${n}`);
      await expectFocus(page, 'Step', `Enter #${n + 1}`);
    }
    expect(await tabStops(steps)).toEqual(['Step']);
    // the State tab: the register the last step changed says so, with its old value, in text
    await page.getByRole('tab', { name: 'State' }).click();
    const r2 = page.getByRole('region', { name: 'Registers', exact: true }).getByRole('rowheader', { name: /^r2/ });
    await until(async () => /^r2 •, changed, was 0x0000000000000000$/.test((await r2.textContent()) ?? ''), 5000, `r2 marked changed (it reads ${await r2.textContent()})`);
    await steps.getByRole('button', { name: 'Step', exact: true }).focus();
    await page.keyboard.press('End');
    await expectFocus(page, 'Stop', 'End');
    await page.keyboard.press('Enter');
    await until(async () => (await appState(page, 'snap')) === null && (await idle(page)), 10_000, 'the stop');
    expect(await focused(page)).not.toBe('body');
  } finally {
    await o.context.close();
  }
});

test("the status bar's step slider keeps focus while the move it asked for replays", async () => {
  const o = await file.h.open();
  try {
    const { page } = o;
    await page.setViewportSize({ width: 1440, height: 900 });
    await waitForEditor(page);
    await setEditorText(page, '.type socket_filter\nr0 = 0\nr1 = 1\nr2 = 2\nr3 = 3\nexit\n');
    const step = () => appState<number>(page, 'snap.step');
    for (let n = 0; n <= 4; n++) {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await until(async () => (await step()) === n && (await idle(page)), 10_000, `step ${n}`);
    }
    const slider = page.getByRole('slider', { name: 'Step of the run' });
    await slider.focus();
    for (const [key, want] of [['ArrowLeft', 3], ['ArrowLeft', 2], ['Home', 0], ['End', 4], ['ArrowLeft', 3]] as const) {
      await page.keyboard.press(key);
      await until(async () => (await step()) === want && (await idle(page)), 10_000, `${key} to step ${want}`);
      expect(await slider.evaluate((el) => el === document.activeElement), `focus on the slider after ${key}`).toBe(true);
    }
  } finally {
    await o.context.close();
  }
});

test('a toast dismissed from the keyboard (Dismiss or Escape) gives focus back to where it came from', async () => {
  const o = await file.h.open();
  try {
    const { page } = o;
    await page.setViewportSize({ width: 1440, height: 900 });
    await waitForEditor(page);
    await setEditorText(page, '.type socket_filter\nr0 = *(u64 *)(r10 -8)\nexit\n');
    await page.keyboard.press('Control+m'); // Tab moves focus out of the editor
    const toast = page.locator('.toast.error', { hasText: 'did not load' });
    for (const key of ['Enter', 'Escape']) {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await toast.waitFor();
      expect(await toast.getAttribute('role')).toBeNull(); // the live region speaks for it
      // Tab on from the editor until focus reaches the toast's Dismiss
      await page.locator('.monaco-editor textarea').first().focus();
      let before = '';
      for (let i = 0; i < 100 && !(await focusInside(page, '.toasts')); i++) {
        before = await focused(page);
        await page.keyboard.press('Tab');
        expect(await focused(page)).not.toBe('body');
      }
      expect(await focused(page)).toBe('button "Dismiss"');
      await page.keyboard.press(key);
      await toast.waitFor({ state: 'detached' });
      expect(await focused(page), `focus after ${key} on the toast`).toBe(before);
    }
  } finally {
    await o.context.close();
  }
});

/** A page 1024x700 with the editor ready; its Session menu button. */
async function narrowPage(page: Page): Promise<Locator> {
  await page.setViewportSize({ width: 1024, height: 700 });
  await waitForEditor(page);
  const session = page.getByRole('button', { name: 'Session', exact: true });
  await session.waitFor();
  return session;
}

test('the Session menu open with focus back on its button: ArrowDown and ArrowUp go into the menu', async () => {
  const o = await file.h.open();
  try {
    const { page } = o;
    const session = await narrowPage(page);
    await session.click();
    const menu = page.getByRole('menu', { name: 'Session' });
    await menu.waitFor();
    await expectFocus(page, 'Lessons…', 'opening the menu');
    for (const [key, item] of [['ArrowDown', 'Lessons…'], ['ArrowUp', 'Share']] as const) {
      // what a dialog's late focus return does: the button has focus, the menu stays open
      await session.evaluate((b: HTMLElement) => b.focus());
      await expectFocus(page, 'Session', 'focusing the button');
      expect(await menu.isVisible()).toBe(true);
      await page.keyboard.press(key);
      await expectFocus(page, item, key);
    }
  } finally {
    await o.context.close();
  }
});

test('a narrower window (1024x700): the Session menu by keyboard, and the dialogs its items open give focus back to it', async () => {
  const o = await file.h.open();
  try {
    const { page } = o;
    await narrowPage(page);
    await page.keyboard.press('Tab');
    await expectFocus(page, 'Load', 'Tab');
    await page.keyboard.press('End');
    await expectFocus(page, 'Session', 'End');
    const menu = page.getByRole('menu', { name: 'Session' });
    for (const [item, dialog] of [
      ['Lessons…', 'Lessons'],
      ['Export LLVM text', /^Export/],
      ['Share', 'Share link'],
    ] as const) {
      await page.keyboard.press('Enter');
      await menu.waitFor();
      for (let i = 0; i < 12 && (await focusedName(page)) !== item; i++) await page.keyboard.press('ArrowDown');
      await expectFocus(page, item, 'the arrows in the menu');
      await page.keyboard.press('Enter');
      await page.getByRole('dialog', { name: dialog }).waitFor();
      await until(() => focusInside(page, 'dialog[open]'), 5000, `focus in ${String(dialog)}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: dialog }).waitFor({ state: 'detached' });
      await until(async () => (await focusedName(page)) === 'Session', 5000, `focus back on Session after ${item} (on ${await focused(page)})`);
    }
  } finally {
    await o.context.close();
  }
});
