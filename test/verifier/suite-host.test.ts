/**
 * The 102 programs of Linux 4.8's verifier suite on this machine's kernel (tools/kernel-oracle.py,
 * as root) next to bpflab's privileged verdicts, judged both ways: where the two disagree, one of
 * the known differences between 4.8 and a later kernel (docs/verifier.md, "Against the host
 * kernel") must explain it, read from the refusing side's message. Not run (saying why) where the
 * host kernel cannot answer.
 */
import { beforeAll, expect, test } from 'vitest';
import { verify } from '../../src/verifier';
import { askKernel, describeKernel, type OracleAnswer } from '../support/oracle';
import { loadSuite, suiteRequest, type SuiteTest } from './support';

interface Rule {
  why: string;
  applies: (message: string) => boolean;
}

/** 4.8 refuses, a later kernel accepts: read from bpflab's (4.8's) message. */
const LATER_KERNELS_ACCEPT: Rule[] = [
  { why: 'reading stack bytes never written: 6.x lets CAP_PERFMON programs do it', applies: (m) => /^invalid (indirect )?read from stack off -?\d+\+\d+ size \d+$/.test(m) },
  { why: 'a partly overwritten spill read back: 6.x reads it as data', applies: (m) => m === 'corrupted spill memory' },
  { why: 'direct packet writes from tc programs came in 4.9', applies: (m) => m === 'cannot write into packet' },
];

/** 4.8 accepts, a later kernel refuses: read from the host's message. */
const LATER_KERNELS_REFUSE: Rule[] = [
  {
    why: 'pointer arithmetic other than adding or subtracting a number is refused even to root since 4.14; 4.8 let root do it (the result was an unknown number)',
    applies: (m) => /pointer \+= pointer prohibited$|pointer arithmetic with \S+ operator prohibited$/.test(m),
  },
];

const suite = loadSuite();
const PROG_TYPE = (t: SuiteTest) => t.prog_type.replace(/^BPF_PROG_TYPE_/, '').toLowerCase();

/** The test as the 4.8 harness loaded it: its maps, its fixups, license GPL, log level 1. */
const hostRequest = (t: SuiteTest) => ({
  prog_type: PROG_TYPE(t),
  insns: t.insns,
  log_level: 1,
  log_size: 1 << 20,
  maps: [
    { name: 'hash', type: 'hash', key_size: 8, value_size: 8, max_entries: 1024 },
    { name: 'progs', type: 'prog_array', key_size: 4, value_size: 4, max_entries: 4 },
  ],
  map_fixups: [...t.fixup_map.map((insn) => ({ insn, map: 'hash' })), ...t.fixup_prog.map((insn) => ({ insn, map: 'progs' }))],
});

/** The message a refusal ends with: the last line before 6.x's "processed ..." summary. */
const lastMessage = (log: string): string =>
  log
    .trimEnd()
    .split('\n')
    .filter((l) => l && !/^processed \d+ insns/.test(l))
    .pop() ?? '';

describeKernel('the 4.8 verifier suite on the host kernel', () => {
  let rows: { t: SuiteTest; host: OracleAnswer; ok48: boolean; msg48: string }[] = [];
  beforeAll(() => {
    const answers = askKernel(suite.map(hostRequest));
    rows = suite.map((t, i) => {
      const v = verify(suiteRequest(t, true), { analysis: false });
      return { t, host: answers[i], ok48: v.ok, msg48: lastMessage(v.log) };
    });
  });

  test('the host answered every program', () => {
    expect(rows.length).toBe(suite.length);
    expect(rows.filter((r) => !r.host.load).map((r) => `${r.t.index}: ${r.host.request_error}`)).toEqual([]);
  });

  test('what the host accepts and bpflab refuses, a known difference explains', () => {
    const unexplained = rows
      .filter((r) => r.host.load!.ok && !r.ok48 && !LATER_KERNELS_ACCEPT.some((x) => x.applies(r.msg48)))
      .map((r) => `${r.t.index} ${r.t.name}: bpflab "${r.msg48}"`);
    expect(unexplained).toEqual([]);
  });

  test('what bpflab accepts and the host refuses, a known difference explains', () => {
    const unexplained = rows
      .filter((r) => !r.host.load!.ok && r.ok48 && !LATER_KERNELS_REFUSE.some((x) => x.applies(lastMessage(r.host.load!.log))))
      .map((r) => `${r.t.index} ${r.t.name}: host ${r.host.load!.error} "${lastMessage(r.host.load!.log)}"`);
    expect(unexplained).toEqual([]);
  });

  test('the verdicts mostly agree, and the differences are counted', () => {
    const agree = rows.filter((r) => r.host.load!.ok === r.ok48).length;
    console.log(`4.8 suite on the host: ${agree} of ${rows.length} verdicts agree; the rest are known differences`);
    expect(agree).toBeGreaterThan(rows.length * 0.85);
  });
});
