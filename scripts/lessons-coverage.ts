/**
 * The gallery's coverage, from the lessons' assembled programs: program types (`.type`), map
 * types (`.map`) and helpers (`call`). Prints the generated part of docs/lessons.md (the lesson
 * list and the coverage tables) and any gap; `--write` puts it into docs/lessons.md between the
 * markers, `--check` exits 1 when the committed doc differs. Exits 1 on a gap.
 *
 *   npx tsx scripts/lessons-coverage.ts [--write | --check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assemble } from '../src/asm';
import { coverageGaps, coverageMarkdown, coverageOf, LESSONS, programUses, withGeneratedPart, type Lesson } from '../src/lessons';
import type { Program } from '../src/program';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const DOC = join(ROOT, 'docs', 'lessons.md');

function programsOf(l: Lesson): Program[] {
  return [l.source, ...(l.progs ?? []).map((p) => p.source)].map((text) => {
    const r = assemble(text);
    if (!r.ok) throw new Error(`${l.id} does not assemble: ${r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join('; ')}`);
    return r.program;
  });
}

const coverage = coverageOf(LESSONS.map((l) => programUses(l.id, programsOf(l))));
const generated = coverageMarkdown(LESSONS, coverage);
const gaps = coverageGaps(coverage);
const mode = process.argv[2];

const doc = readFileSync(DOC, 'utf8');
const updated = withGeneratedPart(doc, generated);
if (updated === null) {
  console.error(`${DOC}: the markers of the generated part are missing`);
  process.exit(1);
}

if (mode === '--write') {
  writeFileSync(DOC, updated);
  console.log(`${DOC}: written (${LESSONS.length} lessons)`);
} else if (mode === '--check') {
  if (updated !== doc) {
    console.error(`${DOC} is out of date: run npx tsx scripts/lessons-coverage.ts --write`);
    process.exit(1);
  }
} else {
  process.stdout.write(generated);
}
for (const g of gaps) console.error(`gap: ${g}`);
if (gaps.length) process.exit(1);
