/**
 * Defects that programs nobody here wrote found in `run --json` (issue 10, section 3), each
 * pinned by the request that showed it. Where the host kernel can be asked the same question,
 * test/kernel-run/fidelity-host.test.ts asks it.
 */
import { describe, expect, it } from 'vitest';
import { answerValue, type Answer } from '../../src/session/request';
import { exit, ld64, mov } from './bpf';
import { ipv4Udp } from './packets';
import { hex } from '../support/kernel';

type Ok = Extract<Answer, { load: unknown }>;
const ok = (a: Answer): Ok => {
  if ('request_error' in a) throw new Error(`request_error: ${a.request_error}`);
  return a;
};
const PKT = hex(ipv4Udp(8));
const RET0 = [mov(0, 0), exit()];

/** A program that loads `n` array maps (one ld_imm64 each), then returns 0. */
export function manyMaps(n: number): object {
  const insns: string[] = [];
  const fixups: { insn: number; map: string }[] = [];
  for (let i = 0; i < n; i++) {
    fixups.push({ insn: insns.length, map: `m${i}` });
    insns.push(...ld64(1, 0n));
  }
  return {
    insns: [...insns, ...RET0],
    maps: Array.from({ length: n }, (_, i) => ({ name: `m${i}`, type: 'array', key_size: 4, value_size: 4, max_entries: 1 })),
    map_fixups: fixups,
  };
}

describe('"verify": false with maps', () => {
  const source = ['.map m array key=4 value=8 entries=1', 'r1 = m ll', 'r0 = 7', 'exit'].join('\n');

  it('runs a program whose ld_imm64 loads a map (source form)', () => {
    const a = ok(answerValue({ source, verify: false, run: { data: PKT } }));
    expect(a.load).toMatchObject({ ok: true, log: '' });
    expect(a.run).toMatchObject({ ok: true, retval: 7 });
  });

  it('runs a program whose ld_imm64 loads a map (insns form, map_fixups, src_reg already 1 as exports write it)', () => {
    const req = { insns: ['1811000000000000', '0000000000000000', mov(0, 7), exit()], map_fixups: [{ insn: 0, map: 'm' }], maps: [{ name: 'm', type: 'array', key_size: 4, value_size: 8, max_entries: 1 }] };
    const a = ok(answerValue({ ...req, verify: false, run: { data: PKT } }));
    expect(a.load.ok).toBe(true);
    expect(a.run?.retval).toBe(7);
  });

  it('still refuses an ld_imm64 that names no map', () => {
    const bad = ['1811000009000000', '0000000000000000', mov(0, 0), exit()]; // src_reg 1, fd 9: nothing open
    const a = ok(answerValue({ insns: bad, verify: false, run: { data: PKT } }));
    expect(a.load).toMatchObject({ ok: false, error: 'EBADF' });
  });
});

describe('log attributes go to PROG_LOAD as given', () => {
  it('log_level 0 with a log_size is EINVAL, as 4.8 bpf_check answers', () => {
    const a = ok(answerValue({ insns: RET0, log_level: 0, log_size: 4096 }));
    expect(a.load).toMatchObject({ ok: false, errno: 22, error: 'EINVAL', log: '' });
  });

  it('log_level 0 without a log_size loads, with no log', () => {
    expect(ok(answerValue({ insns: RET0, log_level: 0 })).load).toMatchObject({ ok: true, log: '' });
    expect(ok(answerValue({ insns: RET0, log_level: 0, log_size: 0 })).load).toMatchObject({ ok: true, log: '' });
  });

  it('log_level 1 with a log_size below 128 is EINVAL', () => {
    expect(ok(answerValue({ insns: RET0, log_level: 1, log_size: 127 })).load.error).toBe('EINVAL');
  });
});

describe('request limits sit above every kernel limit', () => {
  it('65 maps reach the kernel and get E2BIG (MAX_USED_MAPS is 64)', () => {
    const a = ok(answerValue(manyMaps(65)));
    expect(a.load).toMatchObject({ ok: false, errno: 7, error: 'E2BIG' });
  });

  it('64 maps load', () => {
    expect(ok(answerValue(manyMaps(64))).load.ok).toBe(true);
  });
});
