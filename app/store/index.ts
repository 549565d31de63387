/**
 * The page's store and actions (singletons), and the hook components read it with. The engine
 * client is created here, once; its status and restarts flow into the store.
 */
import { useStore } from 'zustand';
import { EngineClient, engineWorker } from '../engine';
import { makeActions } from './actions';
import { makeIoActions } from './io-actions';
import { makeStore } from './store';
import type { State } from './state';

export const store = makeStore(typeof localStorage !== 'undefined' ? localStorage : undefined);
/**
 * The watchdog waits for a silent worker longer than a command's time limit (commands yield
 * between chunks well within it) and than a slow load, which does not yield. The worker starts
 * after the page's first paint (main.tsx), or sooner if something asks the engine first.
 */
export const engine = new EngineClient(engineWorker, { everyMs: 1000, silentMs: () => 2 * store.getState().engineSettings.timeLimitMs + 10_000 }, true);
const port = {
  api: engine.api,
  halt: () => engine.halt(),
  progress: <T extends (p: never) => void>(fn: T): T => engine.progress(fn),
};
export const actions = makeActions(store, port);
export const io = makeIoActions(store, port, actions);

engine.onStatus((s) => {
  store.setState(s.kind === 'ready' ? { engine: s, progTypes: s.hello.progTypes } : { engine: s });
  if (s.kind === 'ready' && s.restarts === 0) {
    void engine.api.configure(store.getState().engineSettings);
    void actions.refreshMaps();
  }
  if (s.kind === 'failed') actions.notify('error', `The engine could not start: ${s.message}`);
});
engine.onRestart((n) => void actions.onEngineRestart(n));

/** A read-only handle for the browser tests and the curious (devtools console). */
(globalThis as unknown as { bpflab: unknown }).bpflab = { state: () => store.getState() };

/** Reads the store through a module-level selector. */
export function useApp<T>(selector: (s: State) => T): T {
  return useStore(store, selector);
}

export * from './selectors';
export type { State, MapFormat, Notice } from './state';
