/**
 * Issue 14's property over share links, in Node: thousands of random valid links (test/limits/
 * links.ts: endless and long loops with Verify off, printing and map-writing loops, budgets up to
 * the ceiling, steps far past them, repeats, maps) opened the way the page opens them (the store's
 * openShared, answering "Run to step" or "Open without running" when a link asks first), over one
 * real Session as a page keeps one worker. Each open must end within its time limit plus slack,
 * with a result or a documented limit's sentence, never an internal error, and the process's
 * memory stays bounded. Seeded: every run opens the same links.
 */
import { describe, expect, test } from 'vitest';
import { encodeShare } from '../../src/share';
import { ide } from '../app/ide';
import { randomLinks, rng } from './links';

const SEED = 0x14;
const COUNT = 2000;
/** the user's time limit: each command the open makes (load, debug start, the seek) stops within it */
const TIME_MS = 10;
/** for a loaded machine: what an open may take beyond its commands' limits */
const SLACK_MS = 3000;
const RSS_BOUND = 1.5 * 2 ** 30;
/** the sentences a run stopped early ends with (docs/limits.md) */
const LIMIT_SENTENCE = /^Paused at step \d+: (stopped after \d+ ms|stopped at the memory limit)/;

describe('opening random share links', () => {
  test(`${COUNT} random valid links each finish or stop within their limits`, async () => {
    const b = ide();
    b.actions.setSettings({ engineSettings: { ...b.s().engineSettings, timeLimitMs: TIME_MS, memoryLimitMiB: 16 } });
    const answer = rng(SEED + 1);
    const seen: Record<string, Record<string, number>> = {};
    let slowest = 0;
    let maxRss = 0;
    for (const [i, { kind, session }] of randomLinks(SEED, COUNT).entries()) {
      const what = `link ${i} (${kind}, budget ${session.settings.budget}, step ${session.step})`;
      const notices = b.s().notices.length ? b.s().notices.at(-1)!.id : -1;
      const t0 = performance.now();
      expect(await b.io.openShared(encodeShare(session)), `${what}: ${b.s().notices.at(-1)?.text}`).toBe(true);
      let how = 'replay';
      if (b.s().linkAsk) {
        how = answer() < 0.75 ? 'replay' : 'load';
        await b.io.answerLink(how as 'replay' | 'load');
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      expect(ms, what).toBeLessThan(3 * TIME_MS + SLACK_MS);
      const s = b.s();
      expect(s.opening, what).toBe(false);
      expect(s.busy, what).toBe('idle');
      expect(s.linkAsk, what).toBeNull();
      const fresh = s.notices.filter((n) => n.id > notices);
      expect(fresh.map((n) => n.text).join('\n'), what).not.toMatch(/internal|crashed|not answering/i);
      expect(fresh.at(-1)?.text, what).toMatch(/^Opened the shared session/);
      // how it ended: a verdict (assembly or load refused), opened without a run, or a run that
      // ended, or stopped early with the limit's sentence
      let end: string;
      if (!s.load || !s.load.ok) end = 'not loaded';
      else if (!s.snap) end = 'loaded';
      else {
        end = s.snap.state;
        expect(['exited', 'faulted', 'budget', 'paused'], what).toContain(s.snap.state);
        if (s.snap.state === 'paused' && s.snap.position < session.step) {
          expect(fresh.some((n) => LIMIT_SENTENCE.test(n.text)), `${what}: ${fresh.map((n) => n.text).join(' | ')}`).toBe(true);
          end = 'stopped by a limit';
        }
        if (s.snap.state === 'budget') expect(s.snap.step, what).toBeLessThanOrEqual(session.settings.budget);
      }
      (seen[kind] ??= {})[end] = (seen[kind]?.[end] ?? 0) + 1;
      if (i % 100 === 0) {
        const rss = process.memoryUsage().rss;
        maxRss = Math.max(maxRss, rss);
        expect(rss, what).toBeLessThan(RSS_BOUND);
      }
    }
    console.log(`[links] ${COUNT} links, slowest open ${Math.round(slowest)} ms, max rss ${Math.round(maxRss / 2 ** 20)} MiB`, JSON.stringify(seen));
    // the links reached what they are made to reach: limits, budgets and ends
    const ends = Object.values(seen).flatMap((x) => Object.keys(x));
    for (const e of ['stopped by a limit', 'budget', 'exited', 'not loaded', 'loaded']) expect(ends, e).toContain(e);
  }, 120_000);
});
