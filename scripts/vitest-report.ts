/** Totals of one Vitest run for `npm test` (scripts/test-all.ts), read from Vitest's JSON report. */

/** The parts of Vitest's JSON report (`--reporter=json`) the totals use. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: { status: string; name: string; message?: string }[];
}

export interface Tally {
  passed: number;
  failed: number;
  /** what failed, one line each */
  failures: string[];
}

/** Counts the suite `name` from its report and Vitest's exit code. */
export function tally(name: string, report: VitestReport, code: number): Tally {
  let failed = report.numFailedTests;
  const failures: string[] = [];
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
  return { passed: report.numPassedTests, failed, failures };
}
