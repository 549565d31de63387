/** Graded challenges: a learner's program checked against a challenge's hidden inputs. */
import type { Syntax } from './settings';

export interface GradeRequest {
  /** the challenge (src/lessons/challenges.ts) */
  id: string;
  text: string;
  syntax?: Syntax;
}

export interface GoalResult {
  id: string;
  text: string;
  pass: boolean;
  /** what happened, in words (which kind of input, what r0 or the map was), never the hidden bytes */
  detail: string;
}

export interface GradeResult {
  id: string;
  /** every goal passed */
  passed: boolean;
  goals: GoalResult[];
}
