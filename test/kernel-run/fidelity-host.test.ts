/**
 * The defects of fidelity.test.ts that the host kernel can be asked about, asked: the same
 * request to bpflab's run --json and to the host must get the same answer. Not run (saying why)
 * where the host kernel cannot answer.
 */
import { beforeAll, expect, it } from 'vitest';
import { answerValue, type Answer } from '../../src/session/request';
import { askKernel, describeKernel, type OracleAnswer } from '../support/oracle';
import { call, exit, manyMaps, mov } from './bpf';
import { ipv4Udp } from './packets';
import { hex } from '../support/kernel';

const PKT = hex(ipv4Udp(8));
const REQUESTS: [string, object][] = [
  ['get_cgroup_classid in a test run', { prog_type: 'sched_cls', insns: [call(17), exit()], run: { data: PKT } }],
  ['65 maps', manyMaps(65)],
  ['64 maps', manyMaps(64)],
  ['log_level 0 with a log_size', { insns: [mov(0, 0), exit()], log_level: 0, log_size: 4096 }],
  ['log_level 0 alone', { insns: [mov(0, 0), exit()], log_level: 0 }],
];

describeKernel('the section 3 defects against the host kernel', () => {
  let host: OracleAnswer[] = [];
  let ours: Answer[] = [];
  beforeAll(() => {
    host = askKernel(REQUESTS.map(([, r]) => r));
    ours = REQUESTS.map(([, r]) => answerValue(r));
  });

  it.each(REQUESTS.map(([name], i) => [name, i] as const))('%s: the same verdict and run', (_name, i) => {
    const o = ours[i];
    if ('request_error' in o) throw new Error(o.request_error);
    const h = host[i];
    expect(h.request_error).toBeUndefined();
    expect({ ok: o.load.ok, errno: o.load.errno }).toEqual({ ok: h.load!.ok, errno: h.load!.errno });
    expect(o.run?.retval).toBe(h.run?.retval);
  });
});
