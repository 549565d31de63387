/**
 * The storage port over a folder, for the CLI and tests in Node: one file per key. Imports
 * node:fs, so the worker and the browser bundle must never import this file.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoragePort } from './storage';

const SUFFIX = '.json';

export class FolderStorage implements StoragePort {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, encodeURIComponent(key) + SUFFIX);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.file(key), value);
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async list(): Promise<string[]> {
    try {
      const names = await readdir(this.dir);
      return names.filter((n) => n.endsWith(SUFFIX)).map((n) => decodeURIComponent(n.slice(0, -SUFFIX.length)));
    } catch {
      return [];
    }
  }
}
