/**
 * The host kernel for the differential suites, through the project's own oracle
 * (tools/kernel-oracle.py via src/cli/host-kernel.ts): one batch of requests at a time.
 *
 * A suite that needs the kernel is a `describeKernel(...)`. Where the machine cannot answer (not
 * Linux, not root, no python3) it is skipped with the reason in its name, or, with
 * BPFLAB_REQUIRE_KERNEL=1, replaced by one failing test that says why. An oracle that starts and
 * then crashes or answers out of shape throws OracleFailure: the suite fails, whatever the
 * setting. Every batch and every suite not run is tallied for `npm test`'s closing lines
 * (BPFLAB_KERNEL_TALLY names the file, scripts/test-all.ts reads it).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { askHost, hostStatus, type HostStatus } from '../../src/cli/host-kernel';
import type { LoadAnswer, RunAnswer } from '../../src/session/request';
import type { ObjectReader } from '../../src/session/request-object';
import type { DumpedEntry } from '../../src/session/request-setup';

/** One answer of the host kernel: an answer, or the request_error alone. */
export interface OracleAnswer {
  available: true;
  kernel?: string;
  request_error?: string;
  load?: LoadAnswer;
  run?: RunAnswer;
  maps?: { name: string; entries: DumpedEntry[] }[];
}

/** BPFLAB_REQUIRE_KERNEL=1: a machine that cannot answer fails the kernel suites instead of skipping them. */
const kernelRequired = (): boolean => process.env.BPFLAB_REQUIRE_KERNEL === '1';

/** A line of the tally: requests a suite put to the kernel, or why a suite did not run. */
interface TallyLine {
  file: string;
  suite?: string;
  requests?: number;
  kernel?: string;
  notRun?: string;
}

function tally(line: Omit<TallyLine, 'file'>): void {
  const path = process.env.BPFLAB_KERNEL_TALLY;
  const file = expect.getState().testPath;
  if (path) appendFileSync(path, JSON.stringify({ file: file ? relative(process.cwd(), file) : '?', ...line }) + '\n');
}

/** Whether the host kernel answers (once a process). Throws if the oracle itself is broken. */
const kernelStatus = (): HostStatus => hostStatus();

/**
 * A describe block that runs only against a host kernel: skipped with the reason where there is
 * none, failing instead when BPFLAB_REQUIRE_KERNEL=1.
 */
export function describeKernel(name: string, body: () => void): void {
  const s = kernelStatus();
  if (s.available) {
    describe(name, body);
    return;
  }
  tally({ suite: name, notRun: s.why });
  if (kernelRequired()) {
    describe(name, () => {
      test('the host kernel answers (BPFLAB_REQUIRE_KERNEL=1)', () => {
        throw new Error(`BPFLAB_REQUIRE_KERNEL=1, but the host kernel cannot answer: ${s.why}`);
      });
    });
    return;
  }
  describe.skip(`${name} (not run: ${s.why})`, body);
}

/** The host kernel's answers to the requests, in order (inside a describeKernel only); `readObject` reads their `object`s. */
export function askKernel(requests: readonly object[], readObject?: ObjectReader): OracleAnswer[] {
  const r = askHost(requests, undefined, readObject);
  if (!r.available) throw new Error(`the host kernel stopped answering: ${r.why}`);
  const kernel = r.answers.map((a) => ('kernel' in a ? a.kernel : undefined)).find(Boolean);
  tally({ requests: requests.length, kernel });
  return r.answers as OracleAnswer[];
}

/** The host's possible CPUs (num_possible_cpus()), as per-CPU map values are sized on it. */
export function hostPossibleCpus(): number {
  let ranges: string[];
  try {
    ranges = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim().split(',');
  } catch {
    return 1; // not Linux: no kernel suite runs anyway
  }
  return ranges.reduce((n, r) => {
    const [lo, hi] = r.split('-').map(Number);
    return n + (hi === undefined ? 1 : hi - lo + 1);
  }, 0);
}
