/**
 * The closing lines `npm test` prints about the host kernel, from the tally the kernel suites
 * write (test/support/oracle.ts, one JSON object a line): how many requests the host kernel
 * answered and in which files, or which suites did not run and why.
 */
interface Line {
  file: string;
  suite?: string;
  requests?: number;
  kernel?: string;
  notRun?: string;
}

interface KernelSummary {
  lines: string[];
  /** why the run fails for the kernel's sake (BPFLAB_REQUIRE_KERNEL=1 and nothing ran), if it does */
  failed?: string;
}

export function kernelSummary(tallyText: string, required: boolean): KernelSummary {
  const lines: Line[] = tallyText
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
  const asked = lines.filter((l) => l.requests !== undefined);
  const notRun = lines.filter((l) => l.notRun !== undefined);
  const requests = asked.reduce((n, l) => n + l.requests!, 0);
  const files = new Set(asked.map((l) => l.file));
  const kernels = [...new Set(asked.map((l) => l.kernel).filter(Boolean))];
  const out: string[] = [];
  if (requests > 0) {
    out.push(`kernel comparisons: ${requests} requests answered by the host kernel (Linux ${kernels.join(', ') || '?'}) in ${files.size} test files`);
  }
  if (notRun.length) {
    const reasons = [...new Set(notRun.map((l) => l.notRun))];
    const suites = notRun.map((l) => `${l.file}: ${l.suite}`).join('; ');
    out.push(`kernel comparisons not run: ${reasons.join('; ')} (${notRun.length} suites: ${suites})`);
    if (!required) out.push('(BPFLAB_REQUIRE_KERNEL=1 makes a missing kernel a failure; .ci/run sets it where bpf(2) works)');
  }
  if (!out.length) out.push('kernel comparisons: none ran (no kernel suite reported; was the unit suite run?)');
  const failed = required && requests === 0 ? 'BPFLAB_REQUIRE_KERNEL=1, but no kernel comparison ran' : undefined;
  return { lines: out, failed };
}
