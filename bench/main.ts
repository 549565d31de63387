/**
 * `npm run bench`: runs every bench/*.bench.ts section in turn; each prints its own table of
 * figures and ratios. Benchmarks print, they never assert.
 *   npm run bench            all sections
 *   npm run bench -- vm      the sections whose file name contains "vm"
 *
 * Each section runs in a process of its own, so that no section's figures depend on what ran
 * before it in the same V8. They do: loading Vite (the first-load and browser sections) detaches
 * an ArrayBuffer, which turns off V8's fast path for typed arrays in the whole process, and
 * the interpreter, which keeps its registers and decoded program in typed arrays, then runs about
 * a fifth slower. Neither the IDE's worker nor the CLI ever detaches one.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const here = dirname(self);

if (process.argv[2] === '--section') {
  const file = process.argv[3];
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: () => Promise<void> | void };
  if (mod.default) await mod.default();
} else {
  const filter = process.argv[2];
  const sections = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
    .sort();
  if (sections.length === 0) console.log('bench: no sections match');
  let failed = 0;
  for (const file of sections) {
    console.log(`\n## ${file.replace('.bench.ts', '')}`);
    // the same node and loader (tsx) as this process, one section
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--section', file], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.log(`bench: the ${file} section failed (${r.error?.message ?? (r.signal ? `signal ${r.signal}` : `exit ${r.status}`)})`);
    }
  }
  if (failed) process.exitCode = 1;
}
