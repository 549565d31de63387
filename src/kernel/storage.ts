/**
 * The storage port bpffs keeps pinned objects in, so that they survive a simulated restart
 * (a page reload in the browser): string values under string keys, asynchronous. This file has
 * the port and the in-memory implementation; storage-idb.ts (IndexedDB, for the browser) and
 * storage-node.ts (a folder, for the CLI and tests; imports node:fs, so never from the worker)
 * have the others.
 */

/** Asynchronous key-value storage of serialized objects. */
export interface StoragePort {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** every key */
  list(): Promise<string[]>;
}

/** Storage in a Map: survives a new Kernel over the same instance, not a new process. */
export class MemoryStorage implements StoragePort {
  readonly data = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  async list(): Promise<string[]> {
    return [...this.data.keys()];
  }
}
