/** docs/lessons.md lists the challenges with their goals exactly as their data says. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../support/data';
import { withChallenges } from './doc';

test('docs/lessons.md lists every challenge and its goals (npx tsx scripts/challenges-doc.ts --write)', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'lessons.md'), 'utf8');
  expect(withChallenges(doc)).not.toBeNull();
  expect(doc).toBe(withChallenges(doc));
});
