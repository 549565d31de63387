/** Totals of one Vitest run for `npm test` (scripts/test-all.ts), read from Vitest's JSON report. */
import { relative } from 'node:path';

/** The parts of Vitest's JSON report (`--reporter=json`) the totals use. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: {
    /** the test file */
    name: string;
    /** 'failed' when a test or the file itself (an import, a hook, no test in it) failed */
    status: string;
    /** the file's own error, if any */
    message?: string;
    assertionResults: { status: string }[];
  }[];
}

interface Tally {
  passed: number;
  failed: number;
  /** what failed, one line each */
  failures: string[];
  /** tests skipped (or todo), by file */
  skipped: { file: string; tests: number }[];
}

const file = (path: string): string => relative(process.cwd(), path);

/**
 * Counts the suite `name` from its report and Vitest's exit code. A failed test counts one; so
 * does a file that failed outside its tests (it did not import, a hook threw, it holds no test),
 * since its tests are not counted as failed; so does a non-zero exit nothing else explains (an
 * unhandled error). A suite where no test passed has failed too.
 */
export function tally(name: string, report: VitestReport, code: number): Tally {
  let failed = report.numFailedTests;
  const failures: string[] = [];
  for (const f of report.testResults) {
    if (f.status !== 'failed' || f.assertionResults.some((t) => t.status === 'failed')) continue;
    failed++;
    const why = f.message?.split('\n')[0];
    failures.push(`${name}: ${file(f.name)}${why ? ` (${why})` : ''}`);
  }
  if (code !== 0 && failed === 0) {
    failed++;
    failures.push(`${name} (vitest exited ${code})`);
  }
  if (report.numPassedTests === 0) {
    failed++;
    failures.push(`${name}: no test passed`);
  }
  const skipped = report.testResults
    .map((f) => ({ file: file(f.name), tests: f.assertionResults.filter((t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo').length }))
    .filter((s) => s.tests > 0);
  return { passed: report.numPassedTests, failed, failures, skipped };
}
