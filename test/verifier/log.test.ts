/**
 * The log attributes and buffer of FACTS.md §3: which attributes are refused (EINVAL, nothing
 * written), the cut at log_size - 1, ENOSPC as soon as the log fills the buffer (overriding
 * success and other errors), log_level 0, and bpflab's level 2.
 */
import { describe, expect, test } from 'vitest';
import { errnoName } from '../../src/isa';
import { verify } from '../../src/verifier';
import * as B from './build';
import { loadSuite, request, suiteRequest } from './support';

const suite = loadSuite();
const byName = (name: string) => suite.find((t) => t.name === name)!;
const outcome = (v: { ok: boolean; errno: number }) => (v.ok ? 'OK' : errnoName(v.errno));

describe('log attributes', () => {
  const accepted = B.prog(B.mov64Imm(0, 0), B.exit());
  test.each([
    ['log_size 127', { logSize: 127 }, 'EINVAL'],
    ['log_size 128', { logSize: 128 }, 'OK'],
    ['log_size 16777215 (UINT_MAX >> 8)', { logSize: 16777215 }, 'OK'],
    ['log_size 16777216', { logSize: 16777216 }, 'EINVAL'],
    ['log_level 0 with a buffer', { logLevel: 0 }, 'EINVAL'],
    ['log_level 1 without a buffer', { logBuf: false }, 'EINVAL'],
    ['log_size 0 with level and buffer', { logSize: 0 }, 'EINVAL'],
    ['no log at all', { logLevel: 0, logBuf: false, logSize: 0 }, 'OK'],
  ] as const)('%s → %s', (_name, over, want) => {
    const v = verify(request(accepted, over), { analysis: false });
    expect(outcome(v)).toBe(want);
    if (want === 'EINVAL' || 'logLevel' in over) expect(v.log).toBe('');
  });

  test('with no log requested, a rejected program keeps its errno and writes nothing', () => {
    const v = verify(request(B.prog(B.mov64Reg(0, 2), B.exit()), { logLevel: 0, logBuf: false, logSize: 0 }), { analysis: false });
    expect(outcome(v)).toBe('EACCES');
    expect(v.log).toBe('');
  });

  test('the log attributes are checked after the program length and before the pre-scan', () => {
    const bad = B.prog(B.raw(0x01), B.exit()); // a pre-scan error
    expect(outcome(verify(request(bad, { logSize: 100 }), { analysis: false }))).toBe('EINVAL');
    expect(outcome(verify(request(new Uint8Array(0), { logSize: 100 }), { analysis: false }))).toBe('E2BIG');
    expect(outcome(verify(request(new Uint8Array(4096 * 8), { logSize: 100 }), { analysis: false }))).toBe('EINVAL');
  });
});

describe('log_size edge cases', () => {
  // "unpriv: cmp map pointer with zero", privileged: accepted with a 165-character log
  const t = byName('unpriv: cmp map pointer with zero');
  const full = t.v4_8_reproduced.priv.log;
  const L = full.length;

  test.each([
    [L + 2, 'OK', full],
    [L + 1, 'ENOSPC', full.slice(0, L)],
    [L, 'ENOSPC', full.slice(0, L - 1)],
    [L - 20, 'ENOSPC', full.slice(0, L - 21)],
    [128, 'ENOSPC', full.slice(0, 127)],
  ])('log_size %i → %s', (size, want, text) => {
    const v = verify(suiteRequest(t, true, { logSize: size }), { analysis: false });
    expect(outcome(v)).toBe(want);
    expect(v.log).toBe(text);
    expect(v.bytes === undefined).toBe(want !== 'OK');
  });

  test('a cut falls mid-line', () => {
    let size = 130;
    while (full[size - 2] === '\n') size++;
    const v = verify(suiteRequest(t, true, { logSize: size }), { analysis: false });
    expect(v.log).toBe(full.slice(0, size - 1));
    expect(v.log.endsWith('\n')).toBe(false);
  });

  test('ENOSPC overrides a rejection, and an exact fit of a rejection keeps its errno', () => {
    const bad = byName("don't check return value before access");
    const log = bad.v4_8_reproduced.priv.log;
    expect(outcome(verify(suiteRequest(bad, true, { logSize: log.length + 1 }), { analysis: false }))).toBe('ENOSPC');
    const fits = verify(suiteRequest(bad, true, { logSize: log.length + 2 }), { analysis: false });
    expect(outcome(fits)).toBe('EACCES');
    expect(fits.log).toBe(log);
  });

  test('early failures (pre-scan, CFG) write their message too', () => {
    const v = verify(suiteRequest(byName('unreachable'), true, { logSize: 128 }), { analysis: false });
    expect(v.log).toBe('unreachable insn 1\n');
  });
});

describe('log levels', () => {
  test('level 1 prints 4.8\'s log', () => {
    const t = byName('jump test 1');
    expect(verify(suiteRequest(t, true, { logLevel: 1 }), { analysis: false }).log).toBe(t.v4_8_reproduced.priv.log);
  });

  // 4.8 only asks whether log_level is non-zero; bpflab's extension is for level 2 alone
  test.each([3, 4, 5, 8, 255])('level %i prints the level-1 log byte for byte, over the whole suite', (level) => {
    for (const t of suite) {
      for (const priv of [true, false]) {
        const l1 = verify(suiteRequest(t, priv), { analysis: false });
        const ln = verify(suiteRequest(t, priv, { logLevel: level }), { analysis: false });
        expect(ln.log, `${t.name} ${priv ? 'priv' : 'unpriv'}`).toBe(l1.log);
        expect(ln.errno).toBe(l1.errno);
        expect(ln.log).toBe((priv ? t.v4_8_reproduced.priv : t.v4_8_reproduced.unpriv).log);
      }
    }
  });

  test.each(suite.map((t) => [t.index, t.name, t] as const))(
    'level 2 is level 1 plus a state line before each instruction: %i %s',
    (_i, _n, t) => {
      const l1 = verify(suiteRequest(t, true), { analysis: false }).log;
      const l2 = verify(suiteRequest(t, true, { logLevel: 2 }), { analysis: false }).log;
      const extra = /^\d+: R\d+=.*$/;
      const lines = l2.split('\n');
      expect(lines.filter((l) => !extra.test(l)).join('\n')).toBe(l1);
      // each extra line announces the instruction printed on the next line
      lines.forEach((l, i) => {
        if (extra.test(l)) expect(lines[i + 1].startsWith(l.slice(0, l.indexOf(':') + 2) + '(')).toBe(true);
      });
    },
  );

  test('level 2 shows the state before every instruction in the log notation', () => {
    const t = byName('check valid spill/fill');
    expect(verify(suiteRequest(t, true, { logLevel: 2 }), { analysis: false }).log).toBe(
      [
        '0: R1=ctx R10=fp',
        '0: (7b) *(u64 *)(r10 -8) = r1',
        '1: R1=ctx R10=fp fp-8=ctx',
        '1: (79) r2 = *(u64 *)(r10 -8)',
        '2: R1=ctx R2=ctx R10=fp fp-8=ctx',
        '2: (bf) r0 = r2',
        '3: R0=ctx R1=ctx R2=ctx R10=fp fp-8=ctx',
        '3: (95) exit',
        'processed 4 insns',
        '',
      ].join('\n'),
    );
  });
});
