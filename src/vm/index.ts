/** vm: the interpreter (Machine: step, back, run), its step events, and the check of unverified programs. */
export * from './types';
export { Machine, DEFAULT_BUDGET, tierUpAfter, type Engine, type MachineInit, type MachineOptions } from './machine';
export { checkProgram, type CheckOptions } from './check';
export type { ProgramProblem } from './rules';
export { MAX_CALL_FRAMES, type Semantics } from './cpu';
