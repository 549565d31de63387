/**
 * `npm test`: every check and every suite, in order, with one closing line that totals them:
 * `N passed, M failed`. Checks (type check, lint, layers) count one each; Vitest suites count
 * their tests (read from Vitest's JSON report). Exits non-zero if anything failed.
 *
 *   npm test                 everything
 *   npm test -- --no-browser skip the browser suite (no Chromium here)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const skipBrowser = args.includes('--no-browser');
let passed = 0;
let failed = 0;
const failures: string[] = [];

function sh(cmd: string, argv: string[]): number {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

function check(name: string, cmd: string, argv: string[]): void {
  console.log(`\n== ${name}`);
  if (sh(cmd, argv) === 0) passed++;
  else {
    failed++;
    failures.push(name);
  }
}

function suite(name: string, argv: string[]): void {
  console.log(`\n== ${name}`);
  mkdirSync('test-results', { recursive: true });
  const out = `test-results/${name}.json`;
  const code = sh('npx', ['vitest', 'run', ...argv, '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
  if (!existsSync(out)) {
    failed++;
    failures.push(`${name} (no report)`);
    return;
  }
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
    testResults: { status: string; name: string; message?: string }[];
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // a file that failed to load has no tests but fails the suite
  const broken = report.testResults.filter((t) => t.status === 'failed' && t.message);
  for (const b of broken) {
    if (report.numFailedTests === 0) failed++;
    failures.push(`${name}: ${b.name}`);
  }
  if (code !== 0 && report.numFailedTests === 0 && broken.length === 0) {
    failed++;
    failures.push(`${name} (vitest exited ${code})`);
  }
  if (report.numTotalTests === 0) {
    failed++;
    failures.push(`${name} ran no test`);
  }
}

check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
check('lint', 'npx', ['eslint', '.']);
check('layers', 'npx', ['tsx', 'scripts/check-layers.ts']);
suite('unit', []);
if (!skipBrowser) {
  check('build', 'npx', ['vite', 'build']);
  suite('browser', ['--config', 'vitest.browser.config.ts']);
}

if (failures.length) console.log(`\nfailed: ${failures.join('; ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
