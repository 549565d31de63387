/**
 * Where the repository and its vendored test data are. Everything a test or a benchmark reads
 * that the project did not write lives in test/data (test/data/README.md says where each part
 * came from, at which commit and under which licence).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json is). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An absolute path inside test/data, e.g. `dataPath('verifier/tests.json')`. */
export const dataPath = (rel: string): string => join(REPO_ROOT, 'test', 'data', rel);
