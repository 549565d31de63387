/**
 * The first load, in the machine's Chromium against the built app (dist/, built if absent): the
 * JS and CSS fetched before the editor is editable (raw and gzip, as a server would compress
 * them), and the time from navigation to an editable editor (Monaco mounted: the editor host's
 * `data-ready`). Fresh browser contexts, no cache; the median of a few loads. Prints the issue's
 * budgets beside the figures; never asserts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const LOADS = 5;
const BUDGET = { raw: 1.5 * 1024 * 1024, gzip: 450 * 1024, ms: 800 };
const CHROMIUM = process.env.BPFLAB_CHROMIUM ?? '/usr/bin/chromium';

/** Records, in the page, when the editor first becomes editable. */
const WATCH_EDITABLE = `
  new MutationObserver((_, o) => {
    if (document.querySelector('.editor-host[data-ready="true"]')) {
      globalThis.__editableAt = performance.now();
      o.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
`;

interface Load {
  ms: number;
  files: { path: string; raw: number; gzip: number }[];
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
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      await page.addInitScript(WATCH_EDITABLE);
      await page.goto(url);
      await page.waitForFunction(() => (globalThis as { __editableAt?: number }).__editableAt !== undefined, undefined, { timeout: 60_000 });
      const { at, resources } = await page.evaluate(() => ({
        at: (globalThis as unknown as { __editableAt: number }).__editableAt,
        resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name, start: r.startTime })),
      }));
      const paths = [new URL(url).pathname, ...resources.filter((r) => r.start < at).map((r) => new URL(r.name).pathname)];
      const files = paths
        .filter((p) => /\.(js|css)$/.test(p))
        .map((p) => {
          const bytes = readFileSync(join('dist', p));
          return { path: p, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
        });
      loads.push({ ms: at, files });
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const last = loads.at(-1)!;
  const raw = last.files.reduce((n, f) => n + f.raw, 0);
  const gzip = last.files.reduce((n, f) => n + f.gzip, 0);
  const ms = loads.map((l) => l.ms).sort((a, b) => a - b)[Math.floor(LOADS / 2)];
  console.log('JS and CSS fetched before the editor is editable:');
  for (const f of [...last.files].sort((a, b) => b.raw - a.raw)) console.log(`  ${f.path.padEnd(44)} ${kb(f.raw).padStart(8)} raw ${kb(f.gzip).padStart(7)} gzip`);
  const verdict = (v: number, b: number) => (v <= b ? 'within budget' : `OVER budget by ${(((v - b) / b) * 100).toFixed(0)}%`);
  console.log('| figure | bpflab | budget | |');
  console.log('|---|---|---|---|');
  console.log(`| raw JS+CSS before editable | ${kb(raw)} | ${kb(BUDGET.raw)} | ${verdict(raw, BUDGET.raw)} |`);
  console.log(`| gzip JS+CSS before editable | ${kb(gzip)} | ${kb(BUDGET.gzip)} | ${verdict(gzip, BUDGET.gzip)} |`);
  console.log(`| navigation to editable (median of ${LOADS}) | ${ms.toFixed(0)} ms | ${BUDGET.ms} ms | ${verdict(ms, BUDGET.ms)} |`);
}
