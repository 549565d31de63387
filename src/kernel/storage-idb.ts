/**
 * The storage port over IndexedDB (idb-keyval), for the browser: pinned objects survive a page
 * reload. Tests run it in Node over fake-indexeddb.
 */
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import type { StoragePort } from './storage';

export class IdbStorage implements StoragePort {
  private readonly store: UseStore;

  /** One object store `storeName` in database `dbName`. */
  constructor(dbName = 'bpflab', storeName = 'bpffs') {
    this.store = createStore(dbName, storeName);
  }

  async get(key: string): Promise<string | undefined> {
    const v = await get<unknown>(key, this.store);
    return typeof v === 'string' ? v : undefined;
  }

  set(key: string, value: string): Promise<void> {
    return set(key, value, this.store);
  }

  delete(key: string): Promise<void> {
    return del(key, this.store);
  }

  async list(): Promise<string[]> {
    return (await keys(this.store)).filter((k): k is string => typeof k === 'string');
  }
}
