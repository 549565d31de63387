/** vm: the interpreter (Machine: step, back, run), its step events, and the check of unverified programs. */
export * from './types';
export { Machine, type Engine, type MachineInit, type MachineOptions } from './machine';
export { checkProgram } from './check';
export { MAX_CALL_FRAMES } from './cpu';
