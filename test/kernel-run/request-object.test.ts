/**
 * `run --json` and `bpflab load` read clang objects (issue 10 §4): `"object"` + `"section"`, the
 * object's maps created, its other programs available to prog_array slots by section or function
 * name, the answer in the usual shape; and the same requests put to the host kernel.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main as loadMain } from '../../src/cli/load';
import { objectReader } from '../../src/cli/read-input';
import { main as runMain } from '../../src/cli/run';
import { answerValue, type Answer } from '../../src/session/request';
import { REPO_ROOT } from '../support/data';
import { alu64i, exit, jmpi, mov } from './bpf';
import { askKernel, describeKernel } from '../support/oracle';

const FIXTURES = resolve(REPO_ROOT, 'test/fixtures/elf');
const obj = (name: string): string => join(FIXTURES, `${name}.o`);
const readObject = objectReader(FIXTURES);

type Ok = Extract<Answer, { load: unknown }>;
const ok = (a: Answer): Ok => {
  if ('request_error' in a) throw new Error(`request_error: ${a.request_error}`);
  return a;
};
const errorOf = (v: unknown, opts = { readObject }): string => {
  const a = answerValue(v, opts);
  if (!('request_error' in a)) throw new Error(`expected a request_error, got ${JSON.stringify(a).slice(0, 300)}`);
  return a.request_error;
};
const entriesOf = (a: Ok, map: string) => a.maps.find((m) => m.name === map)!.entries;

/** Ethernet + IPv4 whose bytes 12..13 after the Ethernet header read 0x0800 and byte 23 is TCP's 6 (tail_calls.c reads skb offsets past the MAC header). */
function tailCallPacket(): string {
  const p = new Uint8Array(64);
  p.set([0x08, 0x00], 12);
  p[14] = 0x45;
  p.set([0x08, 0x00], 14 + 12);
  p[14 + 23] = 6;
  return Buffer.from(p).toString('hex');
}

/** Ethernet + IPv4 + UDP to `port`. */
function udpPacket(port: number): string {
  const p = new Uint8Array(60);
  p.set([0x08, 0x00], 12);
  p[14] = 0x45;
  p[14 + 9] = 17;
  p[14 + 20 + 2] = port >> 8;
  p[14 + 20 + 3] = port & 0xff;
  return Buffer.from(p).toString('hex');
}

const slot = (prog: string) => [{ name: 'jmp_table', entries: [{ key: '01000000', value_prog: prog }] }];

describe('run --json: "object" and "section"', () => {
  it('the first program section by default; the object\'s maps are created and dumped', () => {
    const a = ok(answerValue({ object: obj('tail_calls') }, { readObject }));
    expect(a.section).toBe('socket/0');
    expect(a.load.ok).toBe(true);
    expect(a.load.log).toMatch(/processed 10 insns/);
    expect(a.maps.map((m) => m.name)).toEqual(['jmp_table', 'seen']);
    expect(entriesOf(a, 'seen')).toHaveLength(2);
  });

  it.each(['socket/1', 'parse_ip'])('a prog_array slot takes another program of the object, named %s', (name) => {
    const a = ok(answerValue({ object: obj('tail_calls'), section: 'socket/0', maps: slot(name), run: { data: tailCallPacket() } }, { readObject }));
    // parse_ip ran through the tail call: it returns -1 and counts a TCP packet in seen[1]
    expect(a.run).toMatchObject({ ok: true, retval: 0xffffffff });
    expect(entriesOf(a, 'seen')[1]).toEqual({ key: '01000000', value: '0100000000000000', error: null });
    expect(entriesOf(a, 'jmp_table')[1].key).toBe('01000000');
  });

  it('without the slot the tail call falls through: parse_eth returns 0 and nothing is counted', () => {
    const a = ok(answerValue({ object: obj('tail_calls'), run: { data: tailCallPacket() } }, { readObject }));
    expect(a.run).toMatchObject({ ok: true, retval: 0 });
    expect(entriesOf(a, 'seen').map((e) => e.value)).toEqual(['0000000000000000', '0000000000000000']);
  });

  it('a section given runs that program, with the request\'s entries added to the object\'s map', () => {
    const a = ok(
      answerValue(
        { object: obj('xdp_drop'), section: 'xdp', maps: [{ name: 'rxcnt', entries: [{ key: '11000000', value: '0500000000000000' + '0700000000000000' }] }], run: { data: udpPacket(53) } },
        { readObject },
      ),
    );
    expect(a.run).toMatchObject({ ok: true, retval: 2, verdict: 'XDP_PASS' });
    // per-CPU (two CPUs): the update wrote 5 and 7, the run added 1 on CPU 0
    expect(entriesOf(a, 'rxcnt').find((e) => e.key === '11000000')!.value).toBe('0600000000000000' + '0700000000000000');
    const drop = ok(answerValue({ object: obj('xdp_drop'), run: { data: udpPacket(9) } }, { readObject }));
    expect(drop.run).toMatchObject({ ok: true, retval: 1, verdict: 'XDP_DROP' });
  });

  it('a kprobe object loads with the kern_version of its version section', () => {
    const a = ok(answerValue({ object: obj('kprobe_write'), section: 'kprobe/sys_write' }, { readObject }));
    expect(a.load).toMatchObject({ ok: true });
    expect(a.maps.map((m) => m.name)).toEqual(['start_ns', 'stacks', 'lat_hist']);
    // the request's kern_version wins over the object's: 4.8 refuses another one, and says why beside the log
    const b = ok(answerValue({ object: obj('kprobe_write'), kern_version: 0x4080f }, { readObject }));
    expect(b.load).toMatchObject({ ok: false, error: 'EINVAL', log: '' });
    expect(b.load.reason).toMatch(/kern_version 0x4080f is not LINUX_VERSION_CODE 0x40800/);
  });

  it('an object built for -mcpu=v3 gets its warning beside 4.8\'s refusal', () => {
    const a = ok(answerValue({ object: obj('jmp32') }, { readObject }));
    expect(a.warning).toMatch(/-mcpu=v1/);
    expect(a.load).toMatchObject({ ok: false, error: 'EINVAL' });
    expect(a.load.log).toMatch(/unknown insn class 6/);
  });

  it('a relative path is read from the reader\'s folder', () => {
    expect(ok(answerValue({ object: 'socket_count.o' }, { readObject })).section).toBe('socket1');
  });

  const bad: [string, unknown, RegExp][] = [
    ['a section the object lacks', { object: obj('tail_calls'), section: 'socket/7' }, /^section: the object has no program section "socket\/7" \(it has "socket\/0", "socket\/1"\)$/],
    ['a missing file', { object: 'nope.o' }, /^object: cannot read nope\.o: no such file$/],
    ['a file that is not an object', { object: join(FIXTURES, 'tail_calls.objdump.txt') }, /^object: .*tail_calls\.objdump\.txt: /],
    ['an object 4.8 cannot have (a bpf-to-bpf call)', { object: obj('bpf_call') }, /^object: .*bpf_call\.o: .*bpf-to-bpf calls came in Linux 4\.16/],
    ['an object and insns', { object: obj('tail_calls'), insns: ['b700000000000000', '9500000000000000'] }, /^request: give "object", or "insns" or "source", not both$/],
    ['a section without an object', { source: 'r0 = 0\nexit', section: 'xdp' }, /^section: a section is one of an "object"$/],
    ['an object that is not a string', { object: 7 }, /^object: expected a string$/],
    ['a value_prog naming nothing in the object', { object: obj('tail_calls'), maps: slot('parse_udp') }, /unknown program "parse_udp"/],
  ];
  it.each(bad)('request_error: %s', (_, req, re) => {
    expect(errorOf(req)).toMatch(re);
  });

  it('without a file reader (the IDE\'s worker) an object is a request_error, not a crash', () => {
    expect(errorOf({ object: 'x.o' }, { readObject: undefined as never })).toBe('object: this answerer reads no files (give "insns" or "source")');
  });
});

describe('run.budget', () => {
  // r0 counts down from N to 0: 2N + 2 instructions
  const countdown = (n: number) => [mov(0, n), alu64i('sub', 0, 1), jmpi('jne', 0, 0, -2), exit()];
  const PKT = udpPacket(53);

  it('a run past the default budget stops with EINTR and says how to raise it; raised, it finishes', () => {
    const insns = countdown(600_000); // 1.2 M instructions
    const a = ok(answerValue({ insns, verify: false, run: { data: PKT } }));
    expect(a.run).toMatchObject({ ok: false, errno: 4, error: 'EINTR', steps: 1_000_000 });
    expect(a.run!.fault).toBe('the instruction budget ran out after 1000000 instructions (run.budget 1000000; raise it with run.budget, up to 100000000)');
    const b = ok(answerValue({ insns, verify: false, run: { data: PKT, budget: 2_000_000 } }));
    expect(b.run).toMatchObject({ ok: true, retval: 0, steps: 1_200_002 });
  });

  it('a lower budget stops sooner', () => {
    const small = ok(answerValue({ insns: countdown(1000), verify: false, run: { data: PKT, budget: 51 } }));
    expect(small.run).toMatchObject({ ok: false, error: 'EINTR', steps: 51 });
    expect(small.run!.fault).toMatch(/run\.budget 51; raise it with run\.budget, up to 100000000\)$/);
  });

  it('a budget out of range is a request_error', () => {
    expect(errorOf({ insns: countdown(1), run: { budget: 100_000_001 } })).toBe('run.budget: expected an integer from 1 to 100000000');
    expect(errorOf({ insns: countdown(1), run: { budget: 0 } })).toBe('run.budget: expected an integer from 1 to 100000000');
  });
});

describe('the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpflab-object-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  function capture(): { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    return { out, err };
  }

  it('run --json FILE reads a relative object from the request file\'s folder', async () => {
    copyFileSync(obj('tail_calls'), join(dir, 'tc.o'));
    const file = join(dir, 'req.json');
    writeFileSync(file, JSON.stringify({ object: 'tc.o', maps: slot('socket/1'), run: { data: tailCallPacket() } }));
    const io = capture();
    expect(await runMain(['--json', file])).toBe(0);
    const a = JSON.parse(io.out.join(''));
    expect(a.run.retval).toBe(0xffffffff);
  });

  it('load: every section, one line each; exit 0', async () => {
    const io = capture();
    expect(await loadMain([obj('tail_calls')])).toBe(0);
    expect(io.out).toEqual(['section socket/0: loaded', 'section socket/1: loaded']);
  });

  it('load --json --section: the run --json answer; a refusal exits 1 with its log and warning', async () => {
    let io = capture();
    expect(await loadMain([obj('xdp_drop'), '--section', 'xdp', '--json'])).toBe(0);
    const a = JSON.parse(io.out.join('\n'));
    expect(a).toMatchObject({ available: true, kernel: '4.8.0-bpflab', section: 'xdp', load: { ok: true } });
    expect(a.maps.map((m: { name: string }) => m.name)).toEqual(['rxcnt']);
    vi.restoreAllMocks();
    io = capture();
    expect(await loadMain([obj('jmp32')])).toBe(1);
    expect(io.err.join('\n')).toMatch(/warning: section socket: .*-mcpu=v1/);
    expect(io.out.join('\n')).toMatch(/^section socket: PROG_LOAD failed: EINVAL\n[\s\S]*unknown insn class 6$/);
  });

  it('load: the log at the level asked, the largest buffer 4.8 takes (a kretprobe logs over 1 MiB at level 1)', async () => {
    const io = capture();
    expect(await loadMain([obj('kprobe_write'), '--section', 'kretprobe/sys_write', '--log-level', '1'])).toBe(0);
    const text = io.out.join('\n');
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(text).toMatch(/^section kretprobe\/sys_write: loaded\n0: /);
    expect(text).toMatch(/processed \d+ insns$/);
  });

  it('load: usage and unreadable objects exit 2', async () => {
    const io = capture();
    expect(await loadMain([])).toBe(2);
    expect(await loadMain([join(dir, 'missing.o')])).toBe(2);
    expect(await loadMain([obj('bpf_call')])).toBe(2);
    expect(await loadMain([obj('tail_calls'), '--type', 'bogus'])).toBe(2);
    expect(io.err.join('\n')).toMatch(/missing\.o: no such file[\s\S]*bpf-to-bpf calls[\s\S]*unknown program type bogus/);
    expect(readFileSync(obj('tail_calls')).length).toBeGreaterThan(0);
  });
});

describeKernel('object requests on the host kernel', () => {
  const requests = [
    { object: obj('tail_calls'), maps: slot('socket/1'), run: { data: tailCallPacket() } },
    { object: obj('tail_calls'), maps: slot('parse_ip'), run: { data: tailCallPacket() } },
    { object: obj('tail_calls'), run: { data: tailCallPacket() } },
    { object: obj('socket_count'), run: { data: udpPacket(53), repeat: 3 } },
    { object: obj('xdp_drop'), run: { data: udpPacket(53) } },
    { object: obj('xdp_drop'), run: { data: udpPacket(9) } },
    { object: obj('tc_two'), section: 'classifier' },
    { object: obj('kprobe_write'), section: 'kprobe/sys_write' },
  ];
  const host = askKernel(requests, readObject);
  it.each(requests.map((r, i) => [i, JSON.stringify(r).replace(FIXTURES + '/', '').slice(0, 90), r] as const))('request %i (%s): the same load, run and maps as the kernel', (i, _, req) => {
    const ours = ok(answerValue(req, { readObject }));
    const theirs = host[i];
    expect(theirs.request_error).toBeUndefined();
    expect(ours.load.ok).toBe(true);
    expect(theirs.load!.ok).toBe(ours.load.ok);
    if (req.run) {
      expect(theirs.run).toMatchObject({ ok: true, retval: ours.run!.retval, data_out: ours.run!.data_out });
    }
    expect(theirs.maps!.map((m) => m.name)).toEqual(ours.maps.map((m) => m.name));
    // arrays hold what the run wrote (a prog_array's values are 4.8's ENOENT but a later kernel's prog
    // ids); a per-CPU array's count sits on whichever CPU the test run ran on, so its CPUs are summed
    const summed = (entries: { key: string; value: string | null }[]) =>
      entries.map((e) => [e.key, (e.value?.match(/.{16}/g) ?? []).reduce((n, h) => n + Buffer.from(h, 'hex').readBigUInt64LE(), 0n)]);
    for (const m of ours.maps) {
      const host = theirs.maps!.find((x) => x.name === m.name)!.entries;
      if (['seen', 'proto_bytes'].includes(m.name)) expect(host.map((e) => [e.key, e.value])).toEqual(m.entries.map((e) => [e.key, e.value]));
      if (m.name === 'rxcnt') expect(summed(host)).toEqual(summed(m.entries));
    }
  });
});
