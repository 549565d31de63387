/**
 * The totals of `npm test` (scripts/test-all.ts): every way a Vitest run can fail counts, and
 * skipped tests are named. The reports are shaped as Vitest 4's JSON reporter writes them.
 */
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tally, type VitestReport } from '../../scripts/vitest-report';

type File = VitestReport['testResults'][number];
const at = (name: string) => resolve(name);
const passing = (name: string, n = 2): File => ({ name: at(name), status: 'passed', message: '', assertionResults: Array(n).fill({ status: 'passed' }) });
/** a file with one failed and one passed test */
const failing: File = { name: at('test/x/fail.test.ts'), status: 'failed', message: '', assertionResults: [{ status: 'failed' }, { status: 'passed' }] };
/** a file whose import threw: no tests */
const crashed: File = { name: at('test/x/import.test.ts'), status: 'failed', message: 'boom at import\n    at stack', assertionResults: [] };
/** a describe whose beforeAll threw: its tests are skipped, the file fails with no message of its own */
const hook: File = { name: at('test/x/hook.test.ts'), status: 'failed', message: '', assertionResults: [{ status: 'skipped' }] };
/** a file with no test in it */
const empty: File = { name: at('test/x/empty.test.ts'), status: 'failed', message: 'No test found in suite test/x/empty.test.ts', assertionResults: [] };

function report(...files: File[]): VitestReport {
  const all = files.flatMap((f) => f.assertionResults);
  return {
    numPassedTests: all.filter((t) => t.status === 'passed').length,
    numFailedTests: all.filter((t) => t.status === 'failed').length,
    testResults: files,
  };
}

describe('tally', () => {
  test('a clean run counts its tests', () => {
    expect(tally('unit', report(passing('test/a.test.ts', 3), passing('test/b.test.ts')), 0)).toEqual({ passed: 5, failed: 0, failures: [], skipped: [] });
  });

  test('a file that did not import counts, beside a failed test too', () => {
    expect(tally('unit', report(passing('test/a.test.ts'), crashed), 1)).toMatchObject({ passed: 2, failed: 1, failures: ['unit: test/x/import.test.ts (boom at import)'] });
    expect(tally('unit', report(passing('test/a.test.ts'), failing, crashed), 1)).toMatchObject({ passed: 3, failed: 2 });
  });

  test('a hook that threw counts, beside a failed test too', () => {
    expect(tally('unit', report(passing('test/a.test.ts'), hook), 1)).toMatchObject({ failed: 1, failures: ['unit: test/x/hook.test.ts'] });
    expect(tally('unit', report(passing('test/a.test.ts'), failing, hook), 1)).toMatchObject({ failed: 2, failures: ['unit: test/x/hook.test.ts'] });
  });

  test('a file with no test counts', () => {
    expect(tally('unit', report(passing('test/a.test.ts'), empty, failing), 1).failed).toBe(2);
  });

  test('a failing exit that the report does not explain (an unhandled error) counts once', () => {
    expect(tally('unit', report(passing('test/a.test.ts')), 1)).toMatchObject({ failed: 1, failures: ['unit (vitest exited 1)'] });
    expect(tally('unit', report(passing('test/a.test.ts'), failing), 1).failed).toBe(1);
  });

  test('a suite where nothing passed has failed: no test at all, or every test skipped', () => {
    expect(tally('browser', report(), 1)).toMatchObject({ passed: 0, failed: 2, failures: ['browser (vitest exited 1)', 'browser: no test passed'] });
    const skippedOnly: File = { name: at('test/x/oracle.test.ts'), status: 'passed', message: '', assertionResults: [{ status: 'skipped' }, { status: 'skipped' }] };
    expect(tally('unit', report(skippedOnly), 0)).toEqual({ passed: 0, failed: 1, failures: ['unit: no test passed'], skipped: [{ file: 'test/x/oracle.test.ts', tests: 2 }] });
  });

  test('skipped and todo tests are counted by file', () => {
    const some: File = { name: at('test/x/some.test.ts'), status: 'passed', message: '', assertionResults: [{ status: 'passed' }, { status: 'skipped' }, { status: 'todo' }] };
    expect(tally('unit', report(some, passing('test/a.test.ts')), 0)).toEqual({ passed: 3, failed: 0, failures: [], skipped: [{ file: 'test/x/some.test.ts', tests: 2 }] });
  });
});
