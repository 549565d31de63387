import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { answerText, answerValue, type Answer } from '../../src/session/request';
import { REPO_ROOT } from '../support/data';
import { alu64i, alu64r, call, exit, ja, jmpi, ld64, ldx, mov, movr, Prog, st, stx } from './bpf';
import { ipv4Udp } from './packets';
import { hex } from '../support/kernel';

type Ok = Extract<Answer, { load: unknown }>;
const ok = (a: Answer): Ok => {
  if ('request_error' in a) throw new Error(`request_error: ${a.request_error}`);
  return a;
};
const errorOf = (v: unknown): string => {
  const a = answerValue(v);
  if (!('request_error' in a)) throw new Error('expected a request_error');
  return a.request_error;
};

const RET7 = [mov(0, 7), exit()];
const PKT = hex(ipv4Udp(8));

describe('bad requests get request_error', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /expected an object/],
    ['an unknown field', { insns: RET7, bogus: 1 }, /unknown field "bogus"/],
    ['an unknown run field', { insns: RET7, run: { data: PKT, size: 3 } }, /run: unknown field "size"/],
    ['odd hex', { insns: RET7, run: { data: 'abc' } }, /odd number of hex digits/],
    ['not hex', { insns: RET7, run: { data: 'zz' } }, /not hex/],
    ['a short instruction', { insns: ['b700'] }, /16 hex digits/],
    ['too many instructions', { insns: new Array(65537).fill(exit()) }, /more than 65536 items/],
    ['neither insns nor source', { prog_type: 'xdp' }, /either "insns" or "source"/],
    ['an unknown program type', { insns: RET7, prog_type: 'nope' }, /unknown "nope"/],
    ['a bad map type', { insns: RET7, maps: [{ name: 'm', type: 'tree', key_size: 4, value_size: 4, max_entries: 1 }] }, /maps\[0\].type/],
    ['a negative size', { insns: RET7, maps: [{ name: 'm', type: 'array', key_size: -4, value_size: 4, max_entries: 1 }] }, /key_size/],
    ['a map the kernel refuses', { insns: RET7, maps: [{ name: 'm', type: 'array', key_size: 8, value_size: 4, max_entries: 1 }] }, /map m: MAP_CREATE failed: EINVAL/],
    ['a fixup of an unknown map', { insns: [...ld64(1, 0n), ...RET7], map_fixups: [{ insn: 0, map: 'x' }] }, /unknown map "x"/],
    ['a fixup not on ld_imm64', { insns: RET7, maps: [{ name: 'm', type: 'array', key_size: 4, value_size: 4, max_entries: 1 }], map_fixups: [{ insn: 0, map: 'm' }] }, /not a ld_imm64/],
    ['a bad repeat', { insns: RET7, run: { data: PKT, repeat: 1.5 } }, /run.repeat/],
    ['bad semantics', { insns: RET7, semantics: '5.0' }, /semantics/],
    ['a value_prog naming no program', { insns: RET7, maps: [{ name: 'p', type: 'prog_array', key_size: 4, value_size: 4, max_entries: 1, entries: [{ key: '00000000', value_prog: 'q' }] }] }, /unknown program "q"/],
    ['source that does not assemble', { source: 'r0 = = 1\nexit' }, /does not assemble/],
  ];
  it.each(cases)('%s', (_, req, re) => {
    expect(errorOf(req)).toMatch(re);
  });

  it('JSON Lines: a bad line gets its error, the others their answers', () => {
    const text = [JSON.stringify({ insns: RET7, run: { data: PKT } }), '{not json', JSON.stringify({ insns: RET7, x: 1 }), ''].join('\n');
    const { output, errors } = answerText(text);
    const lines = output.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(3);
    expect(lines[0].run.retval).toBe(7);
    expect(lines[1].request_error).toMatch(/line 2: invalid JSON/);
    expect(lines[2].request_error).toMatch(/unknown field/);
    expect(errors).toBe(2);
  });
});

describe('answers', () => {
  it('one object: load, run (retval u32, r0 64-bit), maps', () => {
    const a = ok(answerValue({ insns: [...ld64(0, 0x1_ffff_fffen), exit()], run: { data: PKT } }));
    expect(a.load).toMatchObject({ ok: true, errno: 0, error: null, log_truncated: false });
    expect(a.load.log).toContain('processed 2 insns');
    expect(a.run).toMatchObject({ ok: true, retval: 0xfffffffe, r0: '0x00000001fffffffe' });
  });
  it('a verifier refusal: errno, name and the 4.8 log; no run', () => {
    const a = ok(answerValue({ insns: [exit()], run: { data: PKT } }));
    expect(a.load).toMatchObject({ ok: false, errno: 13, error: 'EACCES' });
    expect(a.load.log).toContain('R0 !read_ok');
    expect(a.run).toBeUndefined();
  });
  it('log_level 0 gives no log', () => {
    expect(ok(answerValue({ insns: RET7, log_level: 0 })).load.log).toBe('');
  });
  it('verify: false skips the verifier but still refuses what cannot run', () => {
    expect(ok(answerValue({ insns: [movr(0, 3), exit()], verify: false, run: { data: PKT } })).load).toMatchObject({ ok: false, error: 'EINVAL' });
    const a = ok(answerValue({ insns: [mov(0, 1), ldx(8, 0, 0, 0), exit()], verify: false, run: { data: PKT } }));
    expect(a.load.ok).toBe(true);
    expect(a.run).toMatchObject({ ok: false, error: 'EFAULT' });
    expect(a.run!.fault).toMatch(/pc 1/);
  });
  it('unprivileged: only socket filters load', () => {
    expect(ok(answerValue({ insns: RET7, prog_type: 'sched_cls', unprivileged: true })).load.error).toBe('EPERM');
    expect(ok(answerValue({ insns: RET7, unprivileged: true })).load.ok).toBe(true);
  });
  it('maps: entries in, fixups applied, dumped after the run', () => {
    const p = new Prog()
      .emit(st(4, 10, -4, 1), movr(2, 10), alu64i('add', 2, -4))
      .map(1, 'counts')
      .emit(call(1), jmpi('jeq', 0, 0, 2), mov(1, 5), stx(8, 0, 1, 0), mov(0, 0), exit());
    const a = ok(
      answerValue({
        insns: p.insns,
        map_fixups: p.fixups,
        maps: [{ name: 'counts', type: 'array', key_size: 4, value_size: 8, max_entries: 2, entries: [{ key: '00000000', value: '0a' }] }],
        run: { data: PKT },
      }),
    );
    expect(a.run?.ok).toBe(true);
    expect(a.maps).toEqual([
      {
        name: 'counts',
        entries: [
          { key: '00000000', value: '0a00000000000000', error: null },
          { key: '01000000', value: '0500000000000000', error: null },
        ],
      },
    ]);
  });
  it('run.repeat runs on the same skb: cb[0] += 7 three times reads 14 on the last', () => {
    const insns = [ldx(4, 2, 1, 48), mov(0, 0), alu64i('add', 0, 0), movr(0, 2), alu64i('add', 2, 7), stx(4, 1, 2, 48), exit()];
    const a = ok(answerValue({ insns, prog_type: 'sched_cls', run: { data: PKT, repeat: 3 } }));
    expect(a.run?.retval).toBe(14);
  });
  it('budgets: an endless unverified loop stops with EINTR; so do repeats past the request budget', () => {
    const loop = [mov(0, 0), alu64i('add', 0, 1), ja(-2), exit()];
    const a = ok(answerValue({ insns: loop, verify: false, run: { data: PKT } }, { budget: 1000 }));
    expect(a.run).toMatchObject({ ok: false, error: 'EINTR', steps: 1000 });
    const b = ok(answerValue({ insns: RET7, run: { data: PKT, repeat: 100 } }, { maxTotalSteps: 50 }));
    expect(b.run).toMatchObject({ ok: false, error: 'EINTR' });
    expect(b.run!.fault).toMatch(/instruction budget \(50\)/);
  });
  it('a tracepoint field that is not an integer is a request_error naming it', () => {
    expect(errorOf({ insns: RET7, prog_type: 'tracepoint', run: { tracepoint: { name: 'sched_switch', fields: { prev_pid: 1.5 } } } })).toBe(
      'run.tracepoint.fields.prev_pid: must be an integer',
    );
  });
  it('run.ctx and its refusals', () => {
    const insns = [ldx(4, 0, 1, 8), exit()];
    const ctx = '0000000000000000' + '2a000000';
    expect(ok(answerValue({ insns, prog_type: 'sched_cls', run: { data: PKT, ctx } })).run?.retval).toBe(42);
    expect(ok(answerValue({ insns, prog_type: 'sched_cls', run: { data: PKT, ctx: '01' } })).run).toMatchObject({ ok: false, error: 'EINVAL', retval: null });
    expect(ok(answerValue({ insns, prog_type: 'sched_cls', run: { data: '00' } })).run).toMatchObject({ ok: false, errno: 22 });
  });
  it('run.mem: r1 points to a writable copy, r2 is its length, data_out is the memory after', () => {
    const insns = [stx(1, 1, 2, 0), movr(0, 2), exit()];
    const a = ok(answerValue({ insns, verify: false, run: { mem: '00112233' } }));
    expect(a.run).toMatchObject({ ok: true, r0: '0x0000000000000004', data_out: '04112233' });
  });
  it('semantics: 4.8 ends a division by a zero register with r0 = 0; modern gives 0 / keeps dst', () => {
    const div = [mov(0, 9), mov(1, 0), alu64r('div', 0, 1), exit()];
    expect(ok(answerValue({ insns: div, verify: false, run: { mem: '' } })).run?.r0).toBe('0x0000000000000000');
    const mod = [mov(0, 9), mov(1, 0), alu64r('mod', 0, 1), exit()];
    expect(ok(answerValue({ insns: mod, verify: false, run: { mem: '' } })).run?.r0).toBe('0x0000000000000000');
    expect(ok(answerValue({ insns: mod, verify: false, semantics: 'modern', run: { mem: '' } })).run?.r0).toBe('0x0000000000000009');
  });
  it('source instead of insns, with a .map declaration', () => {
    const source = ['.type sched_cls', '.map hits array key=4 value=8 entries=1', 'r1 = 0', '*(u32 *)(r10 - 4) = r1', 'r2 = r10', 'r2 += -4', 'r1 = map[hits] ll', 'call bpf_map_lookup_elem', 'if r0 == 0 goto out', 'r1 = 1', 'lock *(u64 *)(r0 + 0) += r1', 'out:', 'r0 = 2', 'exit'].join('\n');
    const a = ok(answerValue({ source, run: { data: PKT } }));
    expect(a.load.ok).toBe(true);
    expect(a.run).toMatchObject({ retval: 2, verdict: 'TC_ACT_SHOT' });
    expect(a.maps[0]).toEqual({ name: 'hits', entries: [{ key: '00000000', value: '0100000000000000', error: null }] });
  });
  it('trace_printk lines come back in run.trace', () => {
    const fmt = [0x68, 0x69, 0x0a, 0x00]; // "hi\n"
    const insns = [st(4, 10, -4, fmt[0] | (fmt[1] << 8) | (fmt[2] << 16)), movr(1, 10), alu64i('add', 1, -4), mov(2, 4), call(6), mov(0, 0), exit()];
    const a = ok(answerValue({ insns, run: { data: PKT } }));
    expect(a.run?.trace?.[0]).toMatch(/bpflab-1234 +\[000\] \.\.s1 +\d+\.\d{6}: : hi\n$/);
  });
});

describe('the command line', () => {
  it('answers a file and exits 2 when a request was refused', () => {
    const text = [JSON.stringify({ insns: RET7, run: { data: PKT } }), JSON.stringify({ bad: true })].join('\n');
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'run', '--json', '-'], { cwd: REPO_ROOT, input: text, encoding: 'utf8' });
    expect(r.status).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].run.retval).toBe(7);
    expect(lines[1].request_error).toMatch(/unknown field "bad"/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('the virtual clock', () => {
  // r6 = ktime; 3 filler instructions; r0 = ktime - r6 (in ns: one ns per instruction executed)
  const source = (fill: number) =>
    ['.type sched_cls', 'call bpf_ktime_get_ns', 'r6 = r0', ...new Array(fill).fill('r1 = 1'), 'call bpf_ktime_get_ns', 'r0 -= r6', 'exit'].join('\n');
  it('advances with the instructions executed inside one run', () => {
    const a3 = ok(answerValue({ source: source(3), run: { data: PKT } }));
    const a10 = ok(answerValue({ source: source(10), run: { data: PKT } }));
    // between the two calls: r6 = r0, the fillers, and the second call itself
    expect(a3.run?.retval).toBe(5);
    expect(a10.run?.retval).toBe(12);
  });
  it('keeps advancing across repeats, never going back', () => {
    const src = ['.type sched_cls', 'call bpf_ktime_get_ns', 'r1 = 0', '*(u32 *)(r10 -4) = r1', 'r2 = r10', 'r2 += -4', 'r1 = map[t] ll', 'r3 = r10', 'r3 += -16', '*(u64 *)(r10 -16) = r0', 'r4 = 0', 'call bpf_map_update_elem', 'r0 = 0', 'exit'].join('\n');
    const once = ok(answerValue({ source: '.map t array key=4 value=8 entries=1\n' + src, run: { data: PKT, repeat: 1 } }));
    const thrice = ok(answerValue({ source: '.map t array key=4 value=8 entries=1\n' + src, run: { data: PKT, repeat: 3 } }));
    const stamp = (a: Ok) => BigInt('0x' + a.maps[0].entries[0].value!.match(/../g)!.reverse().join(''));
    // each run is 13 instructions; the third run's first call is 2 runs (26 insns) later
    expect(stamp(thrice) - stamp(once)).toBe(26n);
  });
});
