/**
 * Where ../shared is. Tests name shared files relative to the repository root (`../shared/...`);
 * a worktree one level deeper (wt/NAME) finds it one more level up, and BPFLAB_SHARED overrides.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root (where package.json is). */
export const REPO_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

function findShared(): string {
  const env = process.env.BPFLAB_SHARED;
  if (env) return resolve(env);
  for (const up of ['..', join('..', '..')]) {
    const p = resolve(REPO_ROOT, up, 'shared');
    if (existsSync(join(p, 'README.md'))) return p;
  }
  return resolve(REPO_ROOT, '..', 'shared');
}

const SHARED = findShared();

/** An absolute path inside ../shared, e.g. `sharedPath('verifier/tests.json')`. */
export const sharedPath = (rel: string): string => join(SHARED, rel);
