/**
 * Issue 3's differential test: 400 generated socket filters (gen.ts) through bpflab's request
 * runner, with the 4.8 verifier, and through the host kernel (one batch of tools/kernel-oracle.py). Verdict,
 * retval, data_out and the map holding every register and the stack must agree. Prints counts.
 */
import { expect, it } from 'vitest';
import { answerValue } from '../../src/session/request';
import { differences } from './compare';
import { generate } from './gen';
import { askKernel, describeKernel } from '../support/oracle';

const COUNT = 400;
const SEED = 0x4b8;
describeKernel('generated programs against the host kernel', () => {
  it(`${COUNT} programs: same verdict, retval, data_out and map contents`, () => {
    const requests = Array.from({ length: COUNT }, (_, i) => generate(SEED + i));
    const host = askKernel(requests);
    const failures: string[] = [];
    let accepted = 0;
    let ldAbsExits = 0;
    requests.forEach((req, i) => {
      const ours = answerValue(req);
      const d = differences(ours, host[i]);
      if (d.length) failures.push(`seed ${SEED + i}:\n${d.join('\n')}`);
      if (!('request_error' in ours) && ours.load.ok) {
        accepted++;
        if (ours.run?.retval === 0 && ours.maps[0].entries[0].value === '00'.repeat(208)) ldAbsExits++;
      }
    });
    console.log(
      `differential generator: ${COUNT} programs, ${accepted} accepted by both verifiers, ${ldAbsExits} ended early by LD_ABS/LD_IND, ${failures.length} differences`,
    );
    expect(failures.slice(0, 3).join('\n\n')).toBe('');
    expect(accepted).toBe(COUNT);
  });
});
