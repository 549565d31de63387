/**
 * Issue 14's property over share links, in the page and its worker: a few hundred random valid
 * links (test/limits/links.ts, seeded) put in the address bar one after another, as a user would
 * follow them; a link that asks first is answered ("Run to step N", or opened without running).
 * Each open ends, within its time limit plus slack, with the page's "Opened the shared session",
 * the page answering throughout (every look at its state comes back quickly) and the worker never
 * replaced. The settings' time limit is lowered to 50 ms so that the heavy links stop quickly.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { encodeShare } from '../../src/share';
import { randomLinks, rng } from '../limits/links';
import { appState, harnessForFile, waitForEditor } from './harness';

const file = harnessForFile();

const COUNT = 250;
const TIME_MS = 50;
const SLACK_MS = 8000;
/** a look at the page's state that takes longer than this means its main thread was blocked */
const RESPONSIVE_MS = 2000;

interface Look {
  notices: { id: number; text: string }[];
  linkAsk: unknown;
  opening: boolean;
  busy: string;
  loading: boolean;
}

const look = (page: Page): Promise<Look> =>
  page.evaluate(() => {
    const s = (globalThis as unknown as { bpflab: { state: () => Look } }).bpflab.state();
    return { notices: s.notices.map((n) => ({ id: n.id, text: n.text })), linkAsk: s.linkAsk, opening: s.opening, busy: s.busy, loading: s.loading };
  });

test(`${COUNT} random valid links open in the page, each ending within its limits, the page answering`, async () => {
  const { page, context, consoleErrors, outsideRequests } = await file.h.open();
  await waitForEditor(page);
  // the user's limits: 50 ms a command, 16 MiB of history
  await page.evaluate((ms) => {
    const raw = JSON.parse(localStorage.getItem('bpflab:state') ?? '{"version":1,"state":{}}');
    raw.state.engineSettings = { ...(raw.state.engineSettings ?? {}), timeLimitMs: ms, memoryLimitMiB: 16 };
    localStorage.setItem('bpflab:state', JSON.stringify(raw));
  }, TIME_MS);
  await page.reload();
  await waitForEditor(page);
  expect(await appState<number>(page, 'engineSettings.timeLimitMs')).toBe(TIME_MS);

  const answer = rng(0x15);
  let slowestLook = 0;
  let slowestOpen = 0;
  for (const [i, { kind, session }] of randomLinks(0x41, COUNT).entries()) {
    const what = `link ${i} (${kind}, budget ${session.settings.budget}, step ${session.step})`;
    const before = (await look(page)).notices.reduce((m, n) => Math.max(m, n.id), 0);
    const t0 = Date.now();
    await page.evaluate((f) => (location.hash = f), encodeShare(session));
    let answered = false;
    for (;;) {
      const l0 = Date.now();
      const s = await look(page);
      slowestLook = Math.max(slowestLook, Date.now() - l0);
      expect(Date.now() - l0, `${what}: the page did not answer`).toBeLessThan(RESPONSIVE_MS);
      const fresh = s.notices.filter((n) => n.id > before);
      expect(fresh.map((n) => n.text).join('\n'), what).not.toMatch(/internal|crashed|not answering|cannot be opened/i);
      if (s.linkAsk && !answered) {
        const dialog = page.getByRole('dialog', { name: 'Open a share link' });
        const run = dialog.getByRole('button', { name: /^Run to step/ });
        if (answer() < 0.75 && (await run.count())) await run.click();
        else await dialog.getByRole('button', { name: /^Open/ }).click();
        answered = true;
      } else if (fresh.some((n) => n.text.startsWith('Opened the shared session')) && !s.opening && s.busy === 'idle' && !s.loading && !s.linkAsk) break;
      expect(Date.now() - t0, `${what}: still opening`).toBeLessThan(3 * TIME_MS + SLACK_MS);
      await new Promise((r) => setTimeout(r, 20));
    }
    slowestOpen = Math.max(slowestOpen, Date.now() - t0);
  }
  console.log(`[links in the page] ${COUNT} links, slowest open ${slowestOpen} ms, slowest look at the page ${slowestLook} ms`);
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
}, 180_000);
