/**
 * Writes (`--write`) or checks (`--check`) the challenges' part of docs/lessons.md from their
 * data; prints it otherwise.
 *
 *   npx tsx scripts/challenges-doc.ts [--write | --check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { challengesMarkdown, withChallenges } from '../test/challenges/doc';
import { REPO_ROOT } from '../test/support/data';

const DOC = join(REPO_ROOT, 'docs', 'lessons.md');
const doc = readFileSync(DOC, 'utf8');
const updated = withChallenges(doc);
if (updated === null) {
  console.error(`${DOC}: the challenges' markers are missing`);
  process.exit(1);
}
const mode = process.argv[2];
if (mode === '--write') writeFileSync(DOC, updated);
else if (mode === '--check') {
  if (updated !== doc) {
    console.error(`${DOC} is out of date: run npx tsx scripts/challenges-doc.ts --write`);
    process.exit(1);
  }
} else process.stdout.write(challengesMarkdown());
