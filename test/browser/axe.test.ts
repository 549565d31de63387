/**
 * axe-core finds nothing to report, in both themes, in every state the IDE is used in: the page
 * as it opens, a load the verifier refuses (with its notice), a run paused mid-way, a map entry
 * being edited, and each dialog open (the Settings popover, the Export menu and dialog, Share,
 * Lessons, the choice of an object's program) and the capture table; and on a phone (390x844)
 * the page as it opens, a paused run with the step bar, the Settings popover and the Session
 * menu. Rules disabled: none (see AXE_DISABLED_RULES).
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, click, idle, pageForFile, setEditorText, until, waitForEditor } from './harness';
import { AXE_DISABLED_RULES, axeViolations, setTheme, type Theme } from './a11y-support';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { XDP_DROP_UDP } from '../support/programs';
import { CLASSICS } from '../insight/classics';

const file = pageForFile();

const REFUSED =
  '.type socket_filter\n.map m array key=4 value=8 entries=1\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[m] ll\ncall bpf_map_lookup_elem\n# r0 may be NULL here\nr0 = *(u64 *)(r0 +0)\nexit\n';

/** a number from the packet used as a pointer: Show me a run faults on the refused line, which has a comment */
const SCALAR_DEREF = CLASSICS.find((c) => c.id === 'scalar-deref')!;

async function clean(page: Page, what: string): Promise<void> {
  expect(await axeViolations(page), what).toEqual([]);
}

test('no axe-core rule is disabled without a reason', () => {
  for (const [rule, why] of Object.entries(AXE_DISABLED_RULES)) expect(why.length, rule).toBeGreaterThan(20);
});

describe.each<Theme>(['dark', 'light'])('%s theme', (theme) => {
  test('the page as it opens', async () => {
    const o = await file.h.open();
    try {
      await o.page.setViewportSize({ width: 1440, height: 900 });
      await waitForEditor(o.page);
      await setTheme(o.page, theme);
      await until(async () => (await appState<{ kind: string }>(o.page, 'engine')).kind === 'ready', 20_000, 'the engine');
      await clean(o.page, 'initial page');
      expect(o.consoleErrors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  test('a load the verifier refuses, and the notice a Step on it shows', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await setEditorText(page, REFUSED);
    await click(page, 'Load');
    expect(await appState<boolean>(page, 'load.ok')).toBe(false);
    await page.locator('ol.log li.error').waitFor();
    await page.locator('.monaco-editor .err-line').first().waitFor();
    await clean(page, 'refused load');
    await click(page, 'Step');
    const toast = page.locator('.toast.error', { hasText: 'did not load' });
    await toast.waitFor();
    await clean(page, 'refused load with its notice');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
  });

  test('a run shown at the refused line ("Show me a run"), the line red once, its comment readable', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await setEditorText(page, SCALAR_DEREF.source);
    await click(page, 'Load');
    await page.locator('.monaco-editor .err-line').first().waitFor();
    await page.getByRole('button', { name: 'Show me a run' }).click();
    await until(async () => (await appState<string>(page, 'snap.state')) === 'faulted', 30_000, 'the run shown');
    await page.locator('.monaco-editor .pc-err-line').first().waitFor();
    expect(await page.locator('.monaco-editor .fault-line').count()).toBe(0);
    await clean(page, 'a run shown at the refused line');
    await page.getByRole('button', { name: 'Close Show me a run' }).click();
    await click(page, 'Stop');
  });

  test('the Settings popover', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.waitFor();
    await clean(page, 'settings popover');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('a run paused after five steps, and a map entry being edited', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await setEditorText(page, EXAMPLE_PROGRAM);
    for (let i = 0; i < 6; i++) await click(page, 'Step');
    expect(await appState<number>(page, 'snap.step')).toBe(5);
    await page.locator('.monaco-editor .pc-line').first().waitFor();
    await page.locator('.monaco-editor .reg-hint').first().waitFor();
    await page.getByRole('region', { name: 'Registers', exact: true }).locator('tr.changed').first().waitFor();
    await clean(page, 'paused run');
    // on to the map update, then edit the entry it made
    await click(page, 'Continue');
    const maps = page.getByRole('region', { name: 'Maps', exact: true });
    await maps.getByRole('button', { name: /^Edit entry / }).first().click();
    await maps.getByRole('textbox', { name: 'Value', exact: true }).waitFor();
    await clean(page, 'map entry edited');
    await page.keyboard.press('Escape');
    await click(page, 'Stop');
  });

  test('the Export menu and the Export dialog', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByRole('menu', { name: 'Export' }).waitFor();
    await clean(page, 'export menu');
    await page.getByRole('menuitem', { name: 'LLVM text' }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await dialog.waitFor();
    await clean(page, 'export dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('the Share dialog', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Share link' });
    await dialog.waitFor();
    await clean(page, 'share dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('the Lessons dialog', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await page.getByRole('button', { name: 'Lessons', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Lessons' });
    await dialog.getByRole('heading', { name: 'Lessons' }).waitFor();
    await clean(page, 'lessons dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test("the choice of an object's program", async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await page.getByLabel('Open object').setInputFiles('test/fixtures/elf/tc_two.o');
    const dialog = page.getByRole('dialog', { name: 'Choose a program' });
    await dialog.waitFor();
    await clean(page, 'object choice');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('the capture table', async () => {
    const { page } = file.o;
    await setTheme(page, theme);
    await setEditorText(page, XDP_DROP_UDP);
    await page.getByLabel('Open capture').setInputFiles('test/fixtures/pcap/eth-us-le.pcap');
    const cap = page.locator('section.capture-panel');
    await cap.getByRole('list', { name: 'Verdict counts' }).waitFor({ timeout: 20_000 });
    await until(() => idle(page), 10_000, 'the replay');
    await clean(page, 'capture table');
    await cap.getByRole('heading').first().press('Escape');
    await cap.waitFor({ state: 'detached' });
  });

  test('a phone: as it opens, a paused run, the Settings popover, the Session menu', async () => {
    const phone = await file.h.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const o = await file.h.open('/', phone);
    try {
      const { page } = o;
      await waitForEditor(page);
      await until(async () => (await appState<{ kind: string }>(page, 'engine')).kind === 'ready', 20_000, 'the engine');
      const settings = page.getByRole('button', { name: 'Settings', exact: true });
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      // the theme switch is in the Settings popover on a phone
      await settings.click();
      const sw = dialog.getByRole('switch', { name: 'Dark theme' });
      if ((await sw.getAttribute('aria-checked')) !== String(theme === 'dark')) await sw.click();
      await until(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === theme, 5000, `the ${theme} theme`);
      await clean(page, 'phone: settings popover');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await clean(page, 'phone: initial page');
      const steps = page.getByRole('toolbar', { name: 'Debugger', exact: true });
      for (let i = 0; i < 3; i++) {
        await steps.getByRole('button', { name: 'Step', exact: true }).click();
        await until(() => idle(page), 10_000, 'a step');
      }
      expect(await appState<number>(page, 'snap.step')).toBe(2);
      await clean(page, 'phone: paused run');
      await page.getByRole('tab', { name: 'State' }).click();
      await page.getByRole('region', { name: 'Registers', exact: true }).locator('tr.changed').first().waitFor();
      await clean(page, 'phone: paused run, the state tab');
      await page.getByRole('button', { name: 'Session', exact: true }).click();
      await page.getByRole('menu', { name: 'Session' }).waitFor();
      await clean(page, 'phone: session menu');
      await page.keyboard.press('Escape');
      expect(o.consoleErrors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});
