/** Creates the store (a vanilla zustand store, so Node tests use it without React) and keeps it persisted. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialState, type State } from './state';
import { PERSISTED, mergePersisted, readPersisted, writePersisted, type KeyValueStorage } from './persist';

export type Store = StoreApi<State>;

/** A store over `storage` (localStorage in the page, a Map in tests), restored from it. */
export function makeStore(storage?: KeyValueStorage): Store {
  const start = storage ? mergePersisted(readPersisted(storage), initialState()) : initialState();
  const store = createStore<State>()(() => start);
  if (storage) {
    store.subscribe((s, prev) => {
      if (PERSISTED.some((k) => s[k] !== prev[k])) writePersisted(storage, s);
    });
  }
  return store;
}

/** An in-memory KeyValueStorage. */
export function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}
