/**
 * tools/kernel-oracle.py itself, against this machine's kernel: what it refuses (each with the
 * field and the reason), that it passes the log attributes as given, tail-call programs and
 * prog_array slots, ctx_in, repeat, per-CPU dumps, and that a user without privileges gets
 * "unavailable" with the reason. Not run (saying why) where the host kernel cannot answer.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { ORACLE_SCRIPT } from '../../src/cli/host-kernel';
import { askKernel, describeKernel, hostPossibleCpus } from '../support/oracle';
import { call, exit, ldx, mov, movr, Prog } from '../kernel-run/bpf';
import { ipv4Udp } from '../kernel-run/packets';
import { hex } from '../support/kernel';

/** The oracle's own answers to requests given as they are (no bpflab front end), JSON Lines. */
function raw(requests: unknown[]): { status: number | null; answers: Record<string, unknown>[] } {
  const r = spawnSync('python3', [ORACLE_SCRIPT, '--lines', '-'], {
    input: requests.map((x) => JSON.stringify(x)).join('\n') + '\n',
    encoding: 'utf8',
  });
  return { status: r.status, answers: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const RET7 = [mov(0, 7), exit()];
const PKT = hex(ipv4Udp(8));

describeKernel('the kernel oracle on the host kernel', () => {
  it('refuses what it cannot carry out, naming the field, and answers the rest', () => {
    const bad: [unknown, RegExp][] = [
      [[1], /^request: expected an object$/],
      [{ insns: 'b7' }, /^request\.insns: expected a list/],
      [{ insns: ['b700'] }, /^request\.insns\[0\]: an instruction is 8 bytes/],
      [{ insns: RET7, bogus: 1 }, /unknown field "bogus"/],
      [{ insns: RET7, run: { data: 'abc' } }, /^run\.data: odd number of hex digits$/],
      [{ insns: RET7, run: { data: 'zz' } }, /^run\.data: not hex$/],
      [{ insns: RET7, prog_type: 'nope' }, /^prog_type: unknown program type "nope"/],
      [{ insns: RET7, maps: [{ name: 'm', type: 'array', key_size: -1, value_size: 4, max_entries: 1 }] }, /^maps\[0\]\.key_size: expected an integer/],
      [{ insns: RET7, maps: [{ name: 'm', type: 'array', key_size: 8, value_size: 4, max_entries: 1 }] }, /^map m: MAP_CREATE failed: EINVAL$/],
      [{ insns: RET7, map_fixups: [{ insn: 0, map: 'x' }] }, /^map fixup names unknown map "x"$/],
      [{ source: 'r0 = 0\nexit' }, /"source" is bpflab's/],
      [{ insns: RET7, verify: false }, /"verify" is bpflab's/],
      [{ insns: RET7, run: { mem: '00' } }, /run\.mem and run\.tracepoint are bpflab's/],
      [{ insns: RET7, maps: [{ name: 'p', type: 'perf_event_array', key_size: 4, value_size: 4, max_entries: 1, entries: [{ key: '00000000', value_perf_cpu: 0 }] }] }, /perf event and cgroup slots are bpflab's/],
    ];
    const r = raw([...bad.map(([req]) => req), { insns: RET7 }]);
    expect(r.status).toBe(2);
    bad.forEach(([, re], i) => expect(String(r.answers[i].request_error)).toMatch(re));
    expect(r.answers[bad.length]).toMatchObject({ available: true, load: { ok: true } });
  });

  it('passes the log attributes as given: level 0 with a size is the kernel\'s EINVAL', () => {
    const [a, b] = askKernel([
      { insns: RET7, log_level: 0, log_size: 4096 },
      { insns: RET7, log_level: 0 },
    ]);
    expect(a.load).toMatchObject({ ok: false, error: 'EINVAL', log: '' });
    expect(b.load).toMatchObject({ ok: true, log: '' });
  });

  it('loads tail-call programs first and puts them in prog_array slots', () => {
    const target = new Prog().emit(mov(0, 42), exit());
    const main = new Prog().emit(movr(6, 1), movr(1, 6)).map(2, 'jmp').emit(mov(3, 0), call(12), mov(0, 1), exit());
    const [a] = askKernel([
      {
        prog_type: 'sched_cls',
        insns: main.insns,
        map_fixups: main.fixups,
        maps: [{ name: 'jmp', type: 'prog_array', key_size: 4, value_size: 4, max_entries: 2, entries: [{ key: '00000000', value_prog: 'target' }] }],
        progs: [{ name: 'target', insns: target.insns }],
        run: { data: PKT },
      },
    ]);
    expect(a.load?.ok).toBe(true);
    expect(a.run).toMatchObject({ ok: true, retval: 42 });
  });

  it('gives ctx_in to the test run and repeats it', () => {
    // r0 = skb->mark, from the __sk_buff passed as ctx_in (mark is at offset 8)
    const ctx = '0000000000000000' + '2a000000' + '00'.repeat(4);
    const [a, b] = askKernel([
      { prog_type: 'sched_cls', insns: [ldx(4, 0, 1, 8), exit()], run: { data: PKT, ctx } },
      { prog_type: 'sched_cls', insns: RET7, run: { data: PKT, repeat: 1000 } },
    ]);
    expect(a.run).toMatchObject({ ok: true, retval: 42 });
    expect(b.run).toMatchObject({ ok: true, retval: 7 });
    expect(b.run!.duration_ns).toBeGreaterThanOrEqual(0);
  });

  it('dumps per-CPU values with a slot for every possible CPU, the entries padded', () => {
    const [a] = askKernel([{ insns: RET7, maps: [{ name: 'c', type: 'percpu_array', key_size: 4, value_size: 4, max_entries: 1, entries: [{ key: '00000000', value: '01020304' }] }] }]);
    expect(a.maps).toEqual([{ name: 'c', entries: [{ key: '00000000', value: '0102030400000000' + '00'.repeat(8 * (hostPossibleCpus() - 1)), error: null }] }]);
  });

  it('says "unavailable", with the reason, to a process without the capabilities', () => {
    // root with an empty bounding set: no CAP_SYS_ADMIN, CAP_BPF or CAP_PERFMON after exec
    const r = spawnSync('setpriv', ['--bounding-set=-all', '--inh-caps=-all', 'python3', ORACLE_SCRIPT, '--probe'], { encoding: 'utf8' });
    if (r.error) throw new Error(`setpriv did not run: ${r.error.message}`);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ available: false, why: expect.stringMatching(/bpf\(2\) refused: EPERM/) });
  });
});
