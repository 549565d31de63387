/**
 * challenges: the engine's side of the graded challenges, the goals' checks with their hidden
 * inputs and the grader. The statements the IDE shows are in src/lessons/challenges.ts.
 */
export { gradeChallenge } from './grade';
