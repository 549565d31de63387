/**
 * Browser test harness: serves the built app (dist/) with Vite's preview server on 127.0.0.1 and drives
 * Debian's Chromium through playwright-core. Every request that leaves 127.0.0.1 is recorded
 * and aborted, and console errors are collected, so tests can assert there were none.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, expect } from 'vitest';

const CHROMIUM = process.env.BPFLAB_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Harness {
  url: string;
  browser: Browser;
  /** a fresh context and page; console errors and outside requests are collected */
  open(path?: string, context?: BrowserContext): Promise<Opened>;
  close(): Promise<void>;
}

export interface Opened {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  outsideRequests: string[];
}

/**
 * Serves dist/ with Vite's preview server on a port the OS picks: several worktrees and CI jobs
 * run browser tests at once on one machine, and a fixed or random port could reach another
 * run's server (and test its build) instead of failing.
 */
async function serveDist(): Promise<PreviewServer> {
  return preview({ preview: { host: '127.0.0.1', port: 0, strictPort: true }, logLevel: 'silent' });
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `vite build` first (npm test does)');
  const server = await serveDist();
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return {
    url,
    browser,
    async open(path = '/', context?: BrowserContext): Promise<Opened> {
      const ctx = context ?? (await browser.newContext());
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
      const page = await ctx.newPage();
      const consoleErrors: string[] = [];
      const outsideRequests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      await page.route('**/*', (route) => {
        const u = new URL(route.request().url());
        // local requests go on to the context's own routes, if a test set any (else to the server)
        if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') return route.fallback();
        outsideRequests.push(route.request().url());
        return route.abort();
      });
      await page.goto(url + path);
      return { page, context: ctx, consoleErrors, outsideRequests };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** What the app's store holds (read through the page's `bpflab` handle). */
export async function appState<T = unknown>(page: Page, pick: string): Promise<T> {
  return page.evaluate((p) => {
    const s = (globalThis as unknown as { bpflab: { state: () => Record<string, unknown> } }).bpflab.state();
    const v = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], s);
    return v === undefined ? undefined : JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)));
  }, pick) as Promise<T>;
}

/** Waits until Monaco has rendered and accepts input. */
export async function waitForEditor(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
  await page.locator('.editor-host[data-ready="true"]').waitFor({ timeout: 30_000 });
}

/**
 * Replaces the editor's text as a user would: select all, paste (typing would auto-indent each
 * new line on top of the text's own indentation).
 */
export async function setEditorText(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await until(async () => (await appState(page, 'text')) === text, 5000, 'the pasted text');
}

/** Polls `f` until it returns true (or throws after `ms`). */
export async function until(f: () => Promise<boolean>, ms = 10_000, what = 'condition', every = 50): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The debugger and the loader are both done: no command in flight, no Load pending. */
export const idle = async (page: Page): Promise<boolean> =>
  (await appState<string>(page, 'busy')) === 'idle' && !(await appState<boolean>(page, 'loading'));

/** Clicks a button by its exact name and waits until what it started is done. */
export async function click(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await until(() => idle(page), 10_000, `${name} to finish`);
}

/** The status bar's text (engine, load verdict, where the run stands). */
export const statusText = (page: Page): Promise<string> => page.getByRole('contentinfo', { name: 'Status' }).locator('.status-text').innerText();

/** Opens the toolbar's Settings popover (syntax, privilege, verifier, budget) if it is closed. */
export async function openSettings(page: Page): Promise<void> {
  const b = page.getByRole('button', { name: 'Settings', exact: true });
  if ((await b.getAttribute('aria-expanded')) !== 'true') await b.click();
  await page.getByRole('dialog', { name: 'Settings' }).waitFor();
}

/** Closes the Settings popover (Escape), if it is open. */
export async function closeSettings(page: Page): Promise<void> {
  const b = page.getByRole('button', { name: 'Settings', exact: true });
  if ((await b.getAttribute('aria-expanded')) !== 'true') return;
  await page.getByRole('dialog', { name: 'Settings' }).press('Escape');
  await until(async () => (await b.getAttribute('aria-expanded')) === 'false', 5000, 'the settings to close');
}

/** Expands a pane collapsed to its title bar (the terminal starts so). */
async function expandPane(page: Page, title: string): Promise<void> {
  const b = page.getByRole('button', { name: `Expand ${title}`, exact: true });
  if (await b.count()) await b.click();
  await page.getByRole('button', { name: `Collapse ${title}`, exact: true }).waitFor();
}

/** Shows the terminal's pane (it starts collapsed, and loads when first shown) and waits for xterm. */
export async function showTerminal(page: Page): Promise<void> {
  if (await page.getByRole('button', { name: 'Expand Terminal', exact: true }).count()) await expandPane(page, 'Terminal');
  await page.getByRole('region', { name: 'Terminal', exact: true }).locator('.xterm-rows').waitFor({ timeout: 30_000 });
}

/** What the terminal shows (showing its pane if it is collapsed). */
export async function terminalText(page: Page): Promise<string> {
  await showTerminal(page);
  return page.getByRole('region', { name: 'Terminal', exact: true }).locator('.xterm-rows').innerText();
}

/** Types a line into the terminal's shell and waits until the terminal shows expectText; returns what it shows. */
export async function shell(page: Page, line: string, expectText: string | RegExp): Promise<string> {
  await showTerminal(page);
  await page.locator('.xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  let text = '';
  await until(async () => {
    text = await terminalText(page);
    return typeof expectText === 'string' ? text.includes(expectText) : expectText.test(text);
  }, 10_000, `the terminal to show ${expectText}`);
  return text;
}

/** A harness for the whole test file (started before its tests, closed after them). */
export function harnessForFile(): { h: Harness } {
  const file = {} as { h: Harness };
  beforeAll(async () => {
    file.h = await startHarness();
  });
  afterAll(async () => {
    await file.h?.close();
  });
  return file;
}

/**
 * A harness and one page for the whole test file: 1440x900, the editor ready. After the file's
 * tests the page must have logged no console error and sent no request beyond 127.0.0.1.
 * Read `file.h` and `file.o` inside the tests (they are set before the first one runs).
 */
export function pageForFile(): { h: Harness; o: Opened } {
  const file = {} as { h: Harness; o: Opened };
  beforeAll(async () => {
    file.h = await startHarness();
    file.o = await file.h.open();
    await file.o.page.setViewportSize({ width: 1440, height: 900 });
    await waitForEditor(file.o.page);
  });
  afterAll(async () => {
    // close first, so a failed check does not leave the preview server running
    await file.o?.context.close();
    await file.h?.close();
    expect(file.o.consoleErrors).toEqual([]);
    expect(file.o.outsideRequests).toEqual([]);
  });
  return file;
}
