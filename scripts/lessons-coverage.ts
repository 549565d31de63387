/**
 * The gallery's coverage, from the lessons' assembled programs: program types (`.type`), map
 * types (`.map`) and helpers (`call`). Prints the generated part of docs/lessons.md (the lesson
 * list and the coverage tables) and any gap; `--write` puts it into docs/lessons.md between the
 * markers, `--check` exits 1 when the committed doc differs. Exits 1 on a gap.
 *
 *   npx tsx scripts/lessons-coverage.ts [--write | --check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageGaps, coverageMarkdown, coverageOf, LESSONS, programUses, withGeneratedPart } from '../src/lessons';
import { lessonPrograms } from '../test/lessons/support';
import { REPO_ROOT } from '../test/support/data';

const DOC = join(REPO_ROOT, 'docs', 'lessons.md');

const coverage = coverageOf(LESSONS.map((l) => programUses(l.id, lessonPrograms(l))));
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
