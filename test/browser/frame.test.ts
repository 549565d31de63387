/**
 * The frame at 1400x900, 1024x700 and 390x844: the toolbar's buttons keep their place through
 * load, run, stepping, stop, a refusal, a fault and notices (clicks at Step's first position keep
 * stepping); nothing essential is off-screen and the page never scrolls sideways; panes collapse,
 * maximise and restore and the layout is remembered; a share link opened on a phone is usable.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { appState, click, closeSettings, harnessForFile, idle, openSettings, setEditorText, statusText, until, waitForEditor, type Opened } from './harness';
import { encodeShare } from '../../src/share';
import type { SharedSession } from '../../src/protocol';
import { EXAMPLE_PROGRAM } from '../../app/store/example';

const file = harnessForFile();

type Box = { x: number; y: number; w: number; h: number };

/** Every control of the main toolbar by its name, with where it is. */
async function toolbarBoxes(page: Page): Promise<Record<string, Box>> {
  return page.evaluate(() => {
    const out: Record<string, { x: number; y: number; w: number; h: number }> = {};
    const bar = document.querySelector('header.top')!;
    for (const el of bar.querySelectorAll<HTMLElement>('button, select, label.btn, input:not(.sr-only)')) {
      const r = el.getBoundingClientRect();
      const name = el.getAttribute('aria-label') ?? el.textContent?.replace('▾', '').trim() ?? el.tagName;
      out[name] = { x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height) };
    }
    return out;
  });
}

/** The page scrolls neither way, and nothing of the toolbar or the status bar is cut off. */
async function fitsViewport(page: Page): Promise<void> {
  const r = await page.evaluate(() => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const el = document.scrollingElement!;
    const outside = [...document.querySelectorAll<HTMLElement>('header.top button, header.top select, header.top label.btn, .statusbar .status-text, .stepbar button')]
      .filter((e) => {
        const b = e.getBoundingClientRect();
        return b.width > 0 && (b.left < 0 || b.right > vw + 0.5 || b.top < 0 || b.bottom > vh + 0.5);
      })
      .map((e) => e.textContent);
    return { sw: el.scrollWidth, sh: el.scrollHeight, vw, vh, outside };
  });
  expect(r.outside).toEqual([]);
  expect(r.sw).toBeLessThanOrEqual(r.vw);
  expect(r.sh).toBeLessThanOrEqual(r.vh);
}

/** Every register row is wholly inside the visible part of the Registers pane (and the window). */
async function registersInView(page: Page): Promise<void> {
  const hidden = await page.evaluate(() => {
    const body = document.querySelector('[data-panel="registers"] .panel-body')!.getBoundingClientRect();
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    return [...document.querySelectorAll('[data-panel="registers"] tr[data-reg]')]
      .filter((tr) => {
        const b = tr.getBoundingClientRect();
        const cells = [...tr.querySelectorAll<HTMLElement>('th, td')].filter((c) => c.offsetWidth > 0);
        const right = Math.max(...cells.map((c) => c.getBoundingClientRect().right));
        return b.top < body.top || b.bottom > body.bottom + 0.5 || b.bottom > vh || right > Math.min(body.right, vw) + 0.5;
      })
      .map((tr) => tr.getAttribute('data-reg'));
  });
  expect(hidden).toEqual([]);
}

const REFUSED = '.type socket_filter\n.map m array key=4 value=8 entries=1\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[m] ll\ncall bpf_map_lookup_elem\nr0 = *(u64 *)(r0 +0)\nexit\n';
const FAULTS = '.type socket_filter\nr0 = 0\nr1 = r10\n*(u8 *)(r1 +0) = 1\nexit\n';

async function openAt(width: number, height: number, path = '/'): Promise<Opened> {
  const o = await file.h.open(path);
  await o.page.setViewportSize({ width, height });
  return o;
}

describe.each([
  [1400, 900],
  [1024, 700],
])('at %ix%i', (width, height) => {
  test('the toolbar never moves: load, run, step, stop, a refusal, a fault, notices', async () => {
    const o = await openAt(width, height);
    const { page } = o;
    await waitForEditor(page);
    await setEditorText(page, EXAMPLE_PROGRAM);
    await until(() => idle(page));
    const start = await toolbarBoxes(page);
    expect(Object.keys(start)).toEqual(expect.arrayContaining(['Load', 'Run', 'Step', 'Step back', 'Continue', 'Pause', 'Restart', 'Stop', 'Program type', 'Settings']));
    const same = async (what: string) => expect(await toolbarBoxes(page), what).toEqual(start);
    await fitsViewport(page);

    await click(page, 'Load');
    await same('after Load');
    await click(page, 'Run');
    expect(await statusText(page)).toMatch(/^Exited after \d+ steps: returns /);
    await same('after Run');
    await fitsViewport(page);

    // clicks where Step first was keep stepping
    const s = start['Step'];
    await click(page, 'Stop');
    await click(page, 'Step');
    for (let i = 1; i <= 5; i++) {
      await page.mouse.click(s.x + s.w / 2, s.y + s.h / 2);
      await until(async () => (await appState<number>(page, 'snap.step')) === i && (await idle(page)), 10_000, `step ${i}`);
    }
    await same('while stepping');
    await registersInView(page);
    await click(page, 'Stop');
    await same('after Stop');

    await setEditorText(page, REFUSED);
    await click(page, 'Load');
    expect(await statusText(page)).toContain('Load failed: EACCES (13)');
    await same('after a refusal');

    await openSettings(page);
    await page.getByRole('checkbox', { name: 'Verify' }).uncheck();
    await closeSettings(page);
    await setEditorText(page, FAULTS);
    await click(page, 'Run');
    expect(await statusText(page)).toMatch(/^Fault at step \d+, pc 2 \(line 4\): out of bounds/);
    await same('after a fault');

    // notices float as toasts: an object that is not one, a run input that is not valid
    await page.getByLabel('Open object').setInputFiles({ name: 'broken.o', mimeType: 'application/octet-stream', buffer: Buffer.from('not an ELF object at all') });
    const toast = page.locator('.toast.error', { hasText: 'broken.o cannot be opened' });
    await toast.waitFor();
    await same('with a notice');
    await fitsViewport(page);
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
    await openSettings(page);
    await page.getByRole('checkbox', { name: 'Verify' }).check();
    await closeSettings(page);
    expect(o.consoleErrors).toEqual([]);
    await o.context.close();
  });

  test('nothing essential is off-screen during a run: registers, maps, the status bar', async () => {
    const o = await openAt(width, height);
    const { page } = o;
    await waitForEditor(page);
    await setEditorText(page, EXAMPLE_PROGRAM);
    await click(page, 'Run');
    await click(page, 'Stop');
    await click(page, 'Step');
    while ((await appState<number>(page, 'snap.step')) < 12) await click(page, 'Step');
    await registersInView(page);
    await fitsViewport(page);
    // the map's entry (the run counted one packet) is visible in the Maps pane
    const maps = page.getByRole('region', { name: 'Maps', exact: true });
    const row = maps.getByRole('table', { name: 'Entries of counts' }).locator('[role="rowgroup"] [role="row"]').first();
    await row.waitFor();
    const [rb, mb] = await Promise.all([row.boundingBox(), maps.boundingBox()]);
    expect(rb!.y + rb!.height).toBeLessThanOrEqual(mb!.y + mb!.height);
    expect(rb!.y + rb!.height).toBeLessThanOrEqual(height);
    await o.context.close();
  });
});

test('panes collapse, maximise (double-click the title) and restore, and the layout is remembered', async () => {
  const o = await openAt(1400, 900);
  const { page } = o;
  await waitForEditor(page);
  const regs = page.getByRole('region', { name: 'Registers', exact: true });
  const stack = page.getByRole('region', { name: 'Stack', exact: true });
  const h0 = (await regs.boundingBox())!.height;
  await page.getByRole('button', { name: 'Collapse Stack', exact: true }).click();
  await until(async () => (await stack.locator('.panel-body').count()) === 0, 5000, 'the stack to collapse');
  const h1 = (await regs.boundingBox())!.height;
  expect(h1).toBeGreaterThan(h0 + 100);
  expect((await stack.boundingBox())!.height).toBeLessThan(40);
  await page.getByRole('button', { name: 'Expand Stack', exact: true }).click();
  await stack.locator('.panel-body').waitFor();

  await regs.getByRole('heading', { name: 'Registers' }).dblclick();
  await until(async () => (await page.getByRole('region', { name: 'Editor', exact: true }).count()) === 0, 5000, 'the registers to fill the page');
  const full = (await regs.boundingBox())!;
  expect(full.width).toBeGreaterThan(1300);
  await regs.getByRole('heading', { name: 'Registers' }).dblclick();
  await waitForEditor(page);

  await page.getByRole('button', { name: 'Maximise Maps', exact: true }).click();
  await until(async () => (await page.getByRole('region', { name: 'Registers', exact: true }).count()) === 0, 5000, 'the maps to fill the page');
  await page.reload();
  await page.getByRole('region', { name: 'Maps', exact: true }).waitFor();
  expect(await page.getByRole('region', { name: 'Registers', exact: true }).count()).toBe(0);
  await page.getByRole('button', { name: 'Restore Maps', exact: true }).click();
  await waitForEditor(page);
  expect(await page.getByRole('region', { name: 'Registers', exact: true }).count()).toBe(1);
  expect(o.consoleErrors).toEqual([]);
  await o.context.close();
});

const PHONE_SESSION: SharedSession = {
  v: 1,
  source: EXAMPLE_PROGRAM,
  syntax: 'auto',
  progType: 3,
  load: { logLevel: 1, logSize: 65536, privileged: true },
  settings: { seed: 1, ncpus: 2, cpu: 0, budget: 1_000_000, semantics: '4.8', verify: true },
  maps: [],
  input: { packet: 'ffffffffffff00000000000108004500002800010000400679cc0a0000010a000002' + '00'.repeat(20) },
  breakpoints: [],
  step: 5,
};

test('a share link opened on a phone (390x844): readable code, the state, stepping with the thumb', async () => {
  const phone = await file.h.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  const o = await file.h.open(`/#${encodeShare(PHONE_SESSION)}`, phone);
  const { page } = o;
  await until(async () => (await appState<number>(page, 'snap.step')) === 5 && (await idle(page)), 30_000, 'the replay to step 5');
  await fitsViewport(page);
  // the editor is the first tab: code wide enough to read, the current line highlighted
  await waitForEditor(page);
  const editor = (await page.getByRole('region', { name: 'Editor', exact: true }).boundingBox())!;
  expect(editor.width).toBeGreaterThanOrEqual(380);
  await page.locator('.monaco-editor .pc-line').first().waitFor();
  expect(await statusText(page)).toContain('Paused at step 5');
  // touch-sized controls under the thumb
  const bar = page.getByRole('toolbar', { name: 'Debugger' });
  for (const name of ['Step back', 'Step', 'Continue']) {
    const b = (await bar.getByRole('button', { name, exact: true }).boundingBox())!;
    expect(b.height).toBeGreaterThanOrEqual(44);
    expect(b.width).toBeGreaterThanOrEqual(44);
  }
  await bar.getByRole('button', { name: 'Step', exact: true }).tap();
  await until(async () => (await appState<number>(page, 'snap.step')) === 6 && (await idle(page)), 10_000, 'a step');
  // the state tab: every register in view, nothing sideways
  await page.getByRole('tab', { name: 'State' }).click();
  await registersInView(page);
  await fitsViewport(page);
  await page.getByRole('tab', { name: 'Log' }).click();
  await page.getByRole('region', { name: 'Verifier log', exact: true }).getByText('Accepted: prog id').waitFor();
  await page.getByRole('tab', { name: 'Maps' }).click();
  await page.getByRole('region', { name: 'Maps', exact: true }).getByRole('combobox', { name: 'Map' }).waitFor();
  await fitsViewport(page);
  expect(o.consoleErrors).toEqual([]);
  await o.context.close();
});
