/** scripts/check-layers.ts on small trees of its own: import cycles, type-only ones included, fail the check. */
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
      'app/m.ts': "import type { A } from '../src/isa/a';\nexport const m: A = 1;\n",
    });
    expect(r.stdout).toContain('layers: ok');
    expect(r.status).toBe(0);
  });
});
