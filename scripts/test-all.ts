/**
 * `npm test`: every check and every suite, in order, with one closing line that totals them:
 * `N passed, M failed`. Checks (type check, lint, layers) count one each; Vitest suites count
 * their tests (read from Vitest's JSON report, see vitest-report.ts), and the files with skipped
 * tests are listed before that line, and so is what the host kernel did: how many requests the
 * kernel suites put to it (test/support/oracle.ts tallies them), or which suites did not run and
 * why. With BPFLAB_REQUIRE_KERNEL=1 a run in which no kernel comparison ran fails. Exits non-zero
 * if anything failed.
 *
 *   npm test                 everything
 *   npm test -- --no-browser skip the browser suite (no Chromium here)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { kernelSummary } from './kernel-tally';
import { tally, type VitestReport } from './vitest-report';

const args = process.argv.slice(2);
const skipBrowser = args.includes('--no-browser');
let passed = 0;
let failed = 0;
const failures: string[] = [];
const skipped: string[] = [];

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
  rmSync(out, { force: true }); // a Vitest that dies before writing must not be judged by the last run's report
  const code = sh('npx', ['vitest', 'run', ...argv, '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
  if (!existsSync(out)) {
    failed++;
    failures.push(`${name} (no report)`);
    return;
  }
  const t = tally(name, JSON.parse(readFileSync(out, 'utf8')) as VitestReport, code);
  passed += t.passed;
  failed += t.failed;
  failures.push(...t.failures);
  skipped.push(...t.skipped.map((s) => `${s.file} (${s.tests})`));
}

const KERNEL_TALLY = resolve('test-results/kernel-tally.jsonl');
mkdirSync('test-results', { recursive: true });
rmSync(KERNEL_TALLY, { force: true });
process.env.BPFLAB_KERNEL_TALLY = KERNEL_TALLY;

check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
check('lint', 'npx', ['eslint', '.']);
check('layers', 'npx', ['tsx', 'scripts/check-layers.ts']);
suite('unit', []);
if (!skipBrowser) {
  check('build', 'npx', ['vite', 'build']);
  suite('browser', ['--config', 'vitest.browser.config.ts']);
}

// skips are not failures, but say where (the kernel suites skip on a host without bpf(2))
if (skipped.length) console.log(`\nskipped tests: ${skipped.join(', ')}`);
const kernel = kernelSummary(existsSync(KERNEL_TALLY) ? readFileSync(KERNEL_TALLY, 'utf8') : '', process.env.BPFLAB_REQUIRE_KERNEL === '1');
console.log(`\n${kernel.lines.join('\n')}`);
if (kernel.failed) {
  failed++;
  failures.push(kernel.failed);
}
if (failures.length) console.log(`\nfailed: ${failures.join('; ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
