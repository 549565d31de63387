/**
 * Defects that programs nobody here wrote found in `run --json` (issue 10, section 3), each
 * pinned by the request that showed it. Where the host kernel can be asked the same question,
 * test/kernel-run/fidelity-host.test.ts asks it.
 */
import { describe, expect, it } from 'vitest';
import { answerValue, type Answer } from '../../src/session/request';
import { call, exit, ldx, manyMaps, mov } from './bpf';
import { ipv4Udp } from './packets';
import { hex } from '../support/kernel';

type Ok = Extract<Answer, { load: unknown }>;
const ok = (a: Answer): Ok => {
  if ('request_error' in a) throw new Error(`request_error: ${a.request_error}`);
  return a;
};
const PKT = hex(ipv4Udp(8));
const RET0 = [mov(0, 0), exit()];

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

describe('the world of run --json is the test run\'s', () => {
  // r0 = bpf_get_cgroup_classid(skb)
  const classid = { prog_type: 'sched_cls', insns: [call(17), exit()], run: { data: PKT } };

  it('get_cgroup_classid is 0: the test run\'s task has no net_cls classid', () => {
    expect(ok(answerValue(classid)).run).toMatchObject({ ok: true, retval: 0 });
  });

  it('"world": "ide" chooses the IDE\'s world, whose task is in /app (classid 0x100001)', () => {
    expect(ok(answerValue({ ...classid, world: 'ide' })).run).toMatchObject({ ok: true, retval: 0x100001 });
    expect(ok(answerValue({ ...classid, world: 'test_run' })).run?.retval).toBe(0);
  });

  it('an unknown world is a request_error naming both', () => {
    const a = answerValue({ ...classid, world: 'moon' });
    expect('request_error' in a && a.request_error).toMatch(/world: expected "test_run" or "ide"/);
  });
});

describe('refusals the log does not explain say why beside it', () => {
  it('a kprobe whose kern_version is not 4.8.0: EINVAL, an empty log, and the reason in load.reason', () => {
    const a = ok(answerValue({ prog_type: 'kprobe', kern_version: 0x4080f, insns: RET0 }));
    expect(a.load).toMatchObject({ ok: false, errno: 22, log: '', reason: 'kprobe kern_version 0x4080f is not LINUX_VERSION_CODE 0x40800' });
  });

  it('65 maps: E2BIG, no log line, a reason', () => {
    const a = ok(answerValue(manyMaps(65)));
    expect(a.load.log).not.toMatch(/map/);
    expect(a.load.reason).toMatch(/more than 64 maps/);
  });

  it('a refusal the log explains has no reason field', () => {
    const a = ok(answerValue({ insns: [exit()] }));
    expect(a.load.log).toContain('R0 !read_ok');
    expect(a.load.reason).toBeUndefined();
  });

  it('a tracepoint bpflab does not model: run.reason lists the ones it has and how to give raw input', () => {
    const a = ok(answerValue({ prog_type: 'tracepoint', insns: RET0, run: { tracepoint: 'syscalls:sys_enter_open' } }));
    expect(a.run).toMatchObject({ ok: false, errno: 22, error: 'EINVAL' });
    expect(a.run?.reason).toMatch(/syscalls:sys_enter_open/);
    expect(a.run?.reason).toMatch(/sched:sched_switch, sched:sched_process_exec, raw_syscalls:sys_enter, raw_syscalls:sys_exit/);
    expect(a.run?.reason).toMatch(/run\.ctx/);
    const raw = ok(answerValue({ prog_type: 'tracepoint', insns: [ldx(8, 0, 1, 8), exit()], run: { ctx: '0000000000000000' + '2a00000000000000' } }));
    expect(raw.run).toMatchObject({ ok: true, retval: 42 });
  });
});
