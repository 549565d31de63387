/**
 * `npm test`'s closing lines about the host kernel (scripts/kernel-tally.ts): how many requests
 * it answered and where, or which suites did not run and why; and that BPFLAB_REQUIRE_KERNEL=1
 * fails a run in which no comparison ran. Also the check that no file names the reference shelf
 * (scripts/check-layers.ts), on a small tree of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { kernelSummary } from '../../scripts/kernel-tally';

const line = (o: object) => JSON.stringify(o) + '\n';

describe('the kernel summary', () => {
  test('counts the requests and the files that asked', () => {
    const text = line({ file: 'a.test.ts', requests: 400, kernel: '6.18.0' }) + line({ file: 'a.test.ts', requests: 2, kernel: '6.18.0' }) + line({ file: 'b.test.ts', requests: 3, kernel: '6.18.0' });
    expect(kernelSummary(text, true)).toEqual({ lines: ['kernel comparisons: 405 requests answered by the host kernel (Linux 6.18.0) in 2 test files'], failed: undefined });
  });

  test('says which suites did not run and why, and how to require them', () => {
    const text = line({ file: 'a.test.ts', suite: 'maps', notRun: 'bpf(2) refused: EPERM' }) + line({ file: 'b.test.ts', suite: 'lessons', notRun: 'bpf(2) refused: EPERM' });
    const s = kernelSummary(text, false);
    expect(s.lines[0]).toBe('kernel comparisons not run: bpf(2) refused: EPERM (2 suites: a.test.ts: maps; b.test.ts: lessons)');
    expect(s.lines[1]).toMatch(/BPFLAB_REQUIRE_KERNEL=1/);
    expect(s.failed).toBeUndefined();
  });

  test('with BPFLAB_REQUIRE_KERNEL=1, no comparison at all is a failure', () => {
    expect(kernelSummary(line({ file: 'a.test.ts', suite: 'maps', notRun: 'no python3' }), true).failed).toMatch(/no kernel comparison ran/);
    expect(kernelSummary('', true).failed).toMatch(/no kernel comparison ran/);
    expect(kernelSummary('', false).lines).toEqual(['kernel comparisons: none ran (no kernel suite reported; was the unit suite run?)']);
  });
});

describe('no file names the reference shelf', () => {
  const shelf = '..' + '/shared';
  const check = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'bpflab-layers-'));
    try {
      for (const d of ['src/isa', 'app']) mkdirSync(join(root, d), { recursive: true });
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(root, name, '..'), { recursive: true });
        writeFileSync(join(root, name), text);
      }
      return spawnSync('npx', ['tsx', 'scripts/check-layers.ts'], { env: { ...process.env, BPFLAB_CHECK_ROOT: root }, encoding: 'utf8' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  test('a doc, a test or a comment that names it fails the check, with the file', () => {
    const r = check({ 'src/isa/a.ts': 'export const a = 1;\n', 'docs/x.md': `see ${shelf}/verifier/FACTS.md\n`, 'test/t.ts': `// from ${shelf}\n` });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`docs/x.md: names ${shelf}`);
    expect(r.stderr).toContain(`test/t.ts: names ${shelf}`);
  });

  test('a tree without it passes', () => {
    // (a is the file's own: an export nobody imports would fail the dead-export check)
    const r = check({ 'src/isa/a.ts': 'const a = 1;\nconsole.log(a);\n', 'docs/x.md': 'see test/data/README.md\n' });
    expect(r.stdout).toContain('layers: ok');
    expect(r.status).toBe(0);
  });
});
