/**
 * `npm run bench`: runs every bench/*.bench.ts section in turn; each prints its own table of
 * figures and ratios. Benchmarks print, they never assert.
 *   npm run bench            all sections
 *   npm run bench -- vm      the sections whose file name contains "vm"
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2];
const sections = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

if (sections.length === 0) console.log('bench: no sections match');
for (const file of sections) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: () => Promise<void> | void };
  if (mod.default) await mod.default();
}
