/**
 * The helpers against the host kernel: every case of diffcases.ts goes through bpflab's request
 * runner and through tools/kernel-oracle.py (one batch), and retval, data_out and the maps must
 * agree. Not run (saying why) where the host kernel cannot answer.
 */
import { expect, it } from 'vitest';
import { answerValue, type Answer } from '../../src/session/request';
import { differences } from './compare';
import { helperCases, smpCase } from './diffcases';
import { askKernel, describeKernel, hostPossibleCpus, type OracleAnswer } from '../support/oracle';

describeKernel('helpers against the host kernel', () => {
  const cases = helperCases();
  const smp = smpCase();
  const all = [...cases, smp];
  let host: OracleAnswer[] = [];
  const ours: Answer[] = all.map((c) => answerValue(c.request));
  it('the host answers the batch', () => {
    host = askKernel(all.map((c) => c.request));
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
    expect(value(host[i].maps?.[0].entries)).toBeLessThan(hostPossibleCpus());
    expect(o.load.ok && host[i].load?.ok).toBe(true);
  });
});
