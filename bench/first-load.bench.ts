/**
 * The first load, in the machine's Chromium against the built app (dist/, built if absent): the
 * JS and CSS fetched before the editor is editable (raw and gzip, as a server would compress
 * them), and the time from navigation to an editable editor: the frame in which the editor's
 * pane first shows an editor (`data-editor` set, the light editor of the first paint). Also, for
 * information, when Monaco has taken over (`data-editor="monaco"`). Fresh browser contexts, no
 * cache; the median and the range of a few loads, after one load not counted (the browser's own
 * start: its first page pays for processes the page does not cause). Prints the budgets
 * beside the figures; never asserts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const LOADS = 5;
const BUDGET = { raw: 1.5 * 1024 * 1024, gzip: 450 * 1024, ms: 800 };
const CHROMIUM = process.env.BPFLAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Records, in the page, the frame in which the editor first became editable (any editor in the
 * pane) and the one in which Monaco took over: the time of the animation frame that paints it.
 */
const WATCH_EDITABLE = `
  const marks = {};
  globalThis.__marks = marks;
  const mark = (name) => requestAnimationFrame((t) => (marks[name] ??= t));
  new MutationObserver((_, o) => {
    const pane = document.querySelector('.editor-pane[data-editor]');
    if (!pane) return;
    if (!marks.editableSeen) { marks.editableSeen = true; mark('editable'); }
    if (pane.dataset.editor === 'monaco' && !marks.monacoSeen) { marks.monacoSeen = true; mark('monaco'); o.disconnect(); }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-editor'] });
`;

interface File {
  path: string;
  raw: number;
  gzip: number;
}

interface Load {
  editable: number;
  monaco: number;
  /** JS and CSS asked for before the editor was editable, and before Monaco took over */
  before: File[];
  beforeMonaco: File[];
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

export default async function firstLoad(): Promise<void> {
  if (!existsSync('dist/index.html')) await build({ logLevel: 'warn' });
  const server = await preview({ preview: { host: '127.0.0.1', port: 0, strictPort: true }, logLevel: 'silent' });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no TCP address');
  const url = `http://127.0.0.1:${address.port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const loads: Load[] = [];
  try {
    for (let i = -1; i < LOADS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      await page.addInitScript(WATCH_EDITABLE);
      await page.goto(url);
      await page.waitForFunction(() => (globalThis as { __marks?: { monaco?: number } }).__marks?.monaco !== undefined, undefined, { timeout: 60_000 });
      const { marks, resources } = await page.evaluate(() => ({
        marks: (globalThis as unknown as { __marks: { editable: number; monaco: number } }).__marks,
        resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name, start: r.startTime })),
      }));
      const asked = (before: number) => files(resources.filter((r) => r.start < before).map((r) => new URL(r.name).pathname));
      if (i >= 0) loads.push({ editable: marks.editable, monaco: marks.monaco, before: asked(marks.editable), beforeMonaco: asked(marks.monaco) });
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  // the largest set any load asked for before it was editable (they differ only by timing)
  const worst = (pick: (l: Load) => File[]) => loads.map(pick).sort((a, b) => sum(b, 'raw') - sum(a, 'raw'))[0];
  const before = worst((l) => l.before);
  const beforeMonaco = worst((l) => l.beforeMonaco);
  console.log('JS and CSS asked for before the editor is editable:');
  for (const f of [...before].sort((a, b) => b.raw - a.raw)) console.log(`  ${f.path.padEnd(44)} ${kb(f.raw).padStart(8)} raw ${kb(f.gzip).padStart(7)} gzip`);
  const verdict = (v: number, b: number) => (v <= b ? 'within budget' : `OVER budget by ${(((v - b) / b) * 100).toFixed(0)}%`);
  const editable = spread(loads.map((l) => l.editable));
  const monaco = spread(loads.map((l) => l.monaco));
  console.log('| figure | bpflab | budget | |');
  console.log('|---|---|---|---|');
  console.log(`| raw JS+CSS before editable | ${kb(sum(before, 'raw'))} | ${kb(BUDGET.raw)} | ${verdict(sum(before, 'raw'), BUDGET.raw)} |`);
  console.log(`| gzip JS+CSS before editable | ${kb(sum(before, 'gzip'))} | ${kb(BUDGET.gzip)} | ${verdict(sum(before, 'gzip'), BUDGET.gzip)} |`);
  console.log(`| navigation to editable, median (range) of ${LOADS} | ${editable.text} | ${BUDGET.ms} ms | ${verdict(editable.median, BUDGET.ms)} |`);
  console.log(`| navigation to Monaco taking over, median (range) | ${monaco.text} | | for information |`);
  console.log(`| JS+CSS by then, raw / gzip | ${kb(sum(beforeMonaco, 'raw'))} / ${kb(sum(beforeMonaco, 'gzip'))} | | for information |`);
}

/** The built files among `paths` that are JS or CSS, with their sizes. */
function files(paths: string[]): File[] {
  return [...new Set(paths)]
    .filter((p) => /\.(js|css)$/.test(p))
    .map((p) => {
      const bytes = readFileSync(join('dist', p));
      return { path: p, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

const sum = (fs: File[], k: 'raw' | 'gzip'): number => fs.reduce((n, f) => n + f[k], 0);

function spread(ms: number[]): { median: number; text: string } {
  const s = [...ms].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)];
  return { median, text: `${median.toFixed(0)} ms (${s[0].toFixed(0)}-${s.at(-1)!.toFixed(0)})` };
}
