/**
 * The lesson gallery: short, commented programs in bpflab's assembly that together use every
 * program type, map type and helper of the seed, and show the classic verifier errors, each
 * with what Linux 4.8 does with it. Plain data for the IDE's gallery (src/lessons is one of the
 * modules app/ may import), the request that runs a lesson as `bpflab run --json` does, and the
 * coverage computed from assembled programs. docs/lessons.md lists them.
 */
import { BASIC_LESSONS } from './basics';
import { ENCAP_LESSONS } from './encap';
import { EVENT_LESSONS } from './events';
import { REWRITE_LESSONS } from './rewrite';
import { TC_LESSONS } from './tc';
import { TRACING_LESSONS } from './tracing';
import type { Lesson, LessonLevel } from './types';
import { VERIFIER_LESSONS } from './verifier';

export type * from './types';
export { lessonRequest } from './request';
export { coverageGaps, coverageMarkdown, coverageOf, generatedPart, programUses, withGeneratedPart, REQUIRED_HELPERS } from './coverage';
export { SAMPLE_PACKETS, checksumsValid, inetChecksum } from './frames';
export { CHALLENGES, challengeById, type Challenge } from './challenges';

const LEVEL_ORDER: readonly LessonLevel[] = ['basics', 'maps', 'packets', 'tc', 'tracing', 'verifier'];

/** The gallery's headings, in order. */
export const LESSON_LEVELS: readonly { level: LessonLevel; title: string }[] = [
  { level: 'basics', title: 'First steps' },
  { level: 'maps', title: 'Maps' },
  { level: 'packets', title: 'Reading packets' },
  { level: 'tc', title: 'Traffic control: changing packets' },
  { level: 'tracing', title: 'Tracing' },
  { level: 'verifier', title: 'The verifier says no' },
];

const ALL = [...BASIC_LESSONS, ...TC_LESSONS, ...REWRITE_LESSONS, ...ENCAP_LESSONS, ...TRACING_LESSONS, ...EVENT_LESSONS, ...VERIFIER_LESSONS];

/** Every lesson, in gallery order: by level, then as the lesson files list them. */
export const LESSONS: readonly Lesson[] = LEVEL_ORDER.flatMap((level) => ALL.filter((l) => l.level === level));

/** The lesson with this id. */
export const lessonById = (id: string): Lesson | undefined => LESSONS.find((l) => l.id === id);
