/** session: one user's world (kernel, loaded program, debug run) behind the EngineApi. */
export { Session } from './session';
export { createBrowserSession } from './browser';
