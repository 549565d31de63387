/**
 * What the lesson tests share: assembling a lesson's programs (the source and its tail-call
 * targets), the engine bugs a lesson currently trips over, and the generated part of
 * docs/lessons.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../src/asm';
import { coverageMarkdown, coverageOf, generatedPart, LESSONS, programUses, type Lesson } from '../../src/lessons';
import type { Program } from '../../src/program';
import { REPO_ROOT } from '../support/data';

/** Assembles text that must assemble cleanly (no errors, no warnings). */
function assembleClean(text: string, what: string): Program {
  const r = assemble(text);
  const problems = r.diagnostics.map((d) => `${what}:${d.line}:${d.col}: ${d.severity}: ${d.message}`);
  if (!r.ok || problems.length) throw new Error(problems.join('\n'));
  return r.program;
}

/** The lesson's own program, then the ones it loads beside it. */
export const lessonPrograms = (l: Lesson): Program[] => [
  assembleClean(l.source, l.id),
  ...(l.progs ?? []).map((p) => assembleClean(p.source, `${l.id}/${p.name}`)),
];

/**
 * Lessons whose expected outcome (Linux 4.8's) the engine does not give yet, with the reason.
 * Their run test is a `test.fails`: it starts failing, as a reminder to delete the entry, when the
 * engine is fixed.
 */
export const ENGINE_BUGS: Record<string, string> = {};


/** The generated part of docs/lessons.md as the lessons make it now. */
export function generatedDoc(): string {
  const uses = LESSONS.map((l) => programUses(l.id, lessonPrograms(l)));
  return coverageMarkdown(LESSONS, coverageOf(uses));
}

/** The generated part of docs/lessons.md as committed. */
export const committedDoc = (): string | null => generatedPart(readFileSync(join(REPO_ROOT, 'docs', 'lessons.md'), 'utf8'));
