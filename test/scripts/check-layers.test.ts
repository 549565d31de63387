/** scripts/check-layers.ts on small trees of its own: import cycles (type-only ones included) and dead exports fail the check. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

function check(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'bpflab-cycles-'));
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
}

describe('import cycles', () => {
  test('a type-only cycle through three files fails, naming its path', () => {
    const r = check({
      'src/isa/a.ts': "import type { B } from './b';\nexport type A = B;\n",
      'src/isa/b.ts': "import type { C } from './dir';\nexport type B = C;\n",
      'src/isa/dir/index.ts': "import { type A } from '../a';\nexport type C = A | number;\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/import cycle \(type-only imports count too\): src\/isa\/\S+ -> \S+ -> \S+ -> src\/isa\/\S+/);
    for (const f of ['src/isa/a.ts', 'src/isa/b.ts', 'src/isa/dir/index.ts']) expect(r.stderr).toContain(f);
  });

  test('a cycle between app/ and a test counts too; two separate cycles are two problems', () => {
    const r = check({
      'app/x.tsx': "export { y } from './y';\nexport const x = 1;\n",
      'app/y.ts': "import { x } from './x';\nexport const y = x;\n",
      'test/p.ts': "import './q';\n",
      'test/q.ts': "export const q = import('./p');\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr.match(/import cycle/g)).toHaveLength(2);
  });

  test('imports that only go one way pass', () => {
    const r = check({
      'src/isa/a.ts': "import type { B } from './b';\nexport type A = B;\n",
      'src/isa/b.ts': 'export type B = number;\n',
      'app/m.ts': "import type { A } from '../src/isa/a';\nconst m: A = 1;\nconsole.log(m);\n",
    });
    expect(r.stdout).toContain('layers: ok');
    expect(r.status).toBe(0);
  });
});

describe('dead exports', () => {
  test('an export no other file imports fails, naming file, line and name; one used only in its own file too', () => {
    const r = check({
      'src/isa/a.ts': 'export const used = 1;\nexport const unused = 2;\nexport const selfOnly = 3;\nconsole.log(selfOnly);\n',
      'app/m.ts': "import { used } from '../src/isa/a';\nconsole.log(used);\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('src/isa/a.ts:2: export unused is imported by no other file');
    expect(r.stderr).toContain('src/isa/a.ts:3: export selfOnly is imported by no other file');
    expect(r.stderr).not.toContain('export used ');
    expect(r.stderr).toMatch(/layers: 2 violation/);
  });

  test('through a barrel: the declaration is used, a re-export nobody imports through is dead; types count', () => {
    const r = check({
      'src/isa/codec.ts': 'export type R = { ok: boolean };\nexport const f = (): R => ({ ok: true });\nexport interface Opts { n: number }\n',
      'src/isa/index.ts': "export { f, type R } from './codec';\nexport type { Opts } from './codec';\n",
      'app/m.ts': "import { f } from '../src/isa';\nimport type { Opts } from '../src/isa/codec';\nconst o: Opts = { n: 1 };\nconsole.log(f(), o);\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('src/isa/codec.ts:1: export R is imported by no other file');
    expect(r.stderr).toContain('src/isa/index.ts:1: export R is imported by no other file');
    expect(r.stderr).toContain('src/isa/index.ts:2: export Opts is imported by no other file');
    expect(r.stderr).toMatch(/layers: 3 violation/);
  });

  test('a test is an importer; a module imported dynamically is used whole; export default is a tool\'s', () => {
    const r = check({
      'src/isa/a.ts': 'export const forTests = 1;\n',
      'src/isa/lazy.ts': 'export const x = 1;\nexport function main() { return x; }\n',
      'app/m.ts': "const lazy = () => import('../src/isa/lazy');\nconsole.log(lazy);\n",
      'test/a.test.ts': "import { forTests } from '../src/isa/a';\nconsole.log(forTests);\n",
      'vite.config.ts': 'export default { base: "./" };\n',
    });
    expect(r.stdout).toContain('layers: ok');
    expect(r.status).toBe(0);
  });
});
