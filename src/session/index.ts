/** session: one user's world (kernel, loaded program, debug run) behind the EngineApi. */
export { Session, type SessionOptions } from './session';
export { checkSettings } from './settings';
export { createBrowserSession } from './browser';
