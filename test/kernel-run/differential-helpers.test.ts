/**
 * The helpers against the host kernel: every case of diffcases.ts goes through bpflab's request
 * runner and through ../shared/tools/kernel-oracle (one batch), and retval, data_out and the
 * maps must agree. Skips, saying why, where the host kernel does not answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerValue, type Answer } from '../../src/session/request';
import { differences } from './compare';
import { helperCases, smpCase } from './diffcases';
import { askOracle, oracleAvailable, type OracleAnswer } from '../support/oracle';

const avail = oracleAvailable();
if (!avail.available) console.log(`differential helper tests skipped: ${avail.why}`);

/** The host's possible CPUs, as kernel-oracle counts them for per-CPU values. */
function hostCpus(): number {
  try {
    return readFileSync('/sys/devices/system/cpu/possible', 'utf8')
      .trim()
      .split(',')
      .reduce((n, part) => {
        const [lo, hi] = part.split('-').map(Number);
        return n + (hi === undefined ? 1 : hi - lo + 1);
      }, 0);
  } catch {
    return 1;
  }
}

describe.skipIf(!avail.available)('helpers against the host kernel (kernel-oracle)', () => {
  const cases = helperCases();
  const smp = smpCase();
  const all = [...cases, smp];
  let host: OracleAnswer[] = [];
  const ours: Answer[] = all.map((c) => answerValue(c.request));
  it('the host answers the batch', () => {
    const r = askOracle(all.map((c) => c.request));
    if (!r.available) throw new Error(r.why);
    host = r.answers;
    console.log(`differential helpers: ${all.length} requests, host ${String(host[0].kernel)}`);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_, i) => {
    expect(host.length).toBe(all.length);
    const c = cases[i];
    expect(differences(ours[i], host[i], c).join('\n')).toBe('');
  });

  it('get_smp_processor_id is below each side\'s CPU count', () => {
    const i = all.length - 1;
    const value = (entries: { value: string | null }[] | undefined) => parseInt((entries?.[0]?.value ?? '').slice(0, 2), 16);
    const o = ours[i];
    if ('request_error' in o) throw new Error(o.request_error);
    expect(value(o.maps[0].entries)).toBeLessThan(2);
    expect(value(host[i].maps?.[0].entries)).toBeLessThan(hostCpus());
    expect(o.load.ok && host[i].load?.ok).toBe(true);
  });
});
