/**
 * CPU time of a call, for the readers' limit tests: each reader gets an input at its documented
 * limit and must finish "well under a second". Measured as this process's CPU time rather than the
 * wall clock, so that other work on a shared machine does not make the test flaky; the bound is
 * there to catch quadratic (or worse) behaviour, which misses it by orders of magnitude. Precise
 * speed figures belong to `npm run bench`.
 */
export function cpuMs<T>(f: () => T): { value: T; ms: number } {
  const before = process.cpuUsage();
  const value = f();
  const d = process.cpuUsage(before);
  return { value, ms: (d.user + d.system) / 1000 };
}

/** The CPU budget every reader has for an input at its limit. */
export const WELL_UNDER_A_SECOND = 1000;
