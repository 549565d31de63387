import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MapType, ProgType, hexToSlots } from '../../src/isa';
import { programFromBytes } from '../../src/program';
import { readBpfObject, type BpfObject } from '../../src/elf';
import { parseCapture } from '../../src/pcap';
import { assemble } from '../../src/asm';
import { exportBytes, exportHex, exportRequest, exportRequestJson, exportText, type RunRequest } from '../../src/session/export';
import { parseRequest } from '../../src/session/request-schema';
import { answerValue } from '../../src/session/request';
import { askKernel as askOracle, describeKernel } from '../support/oracle';

function object(name: string): BpfObject {
  const r = readBpfObject(new Uint8Array(readFileSync(`test/fixtures/elf/${name}.o`)));
  if (!r.ok) throw new Error(r.error);
  return r.object;
}

interface Answer {
  request_error?: string;
  load: { ok: boolean; errno: number; log: string };
  run?: { ok: boolean; retval: number | null; data_out: string | null };
  maps: { name: string; entries: { key: string; value: string }[] }[];
}

/** Answers of the host kernel, one per request. */
const askKernel = (reqs: RunRequest[]): Answer[] => askOracle(reqs) as Answer[];

/** The sum of a per-CPU value's u64 counters (hex as MAP_LOOKUP_ELEM copies it). */
function perCpuSum(value: string): bigint {
  const b = Buffer.from(value, 'hex');
  let sum = 0n;
  for (let i = 0; i + 8 <= b.length; i += 8) sum += b.readBigUInt64LE(i);
  return sum;
}

describe('hex and bytes', () => {
  const p = object('socket_count').programs[0].program;

  it('prints one slot a line in memory order, as bpflab asm does', () => {
    const text = exportHex(p);
    expect(text.split('\n').slice(0, 2)).toEqual(['bf16000000000000', '3000000017000000']);
    expect(text.endsWith('\n')).toBe(true);
    expect(hexToSlots(text.trim().split('\n'))).toEqual(p.bytes);
  });

  it('gives a copy of the bytes', () => {
    const b = exportBytes(p);
    expect(b).toEqual(p.bytes);
    b[0] = 0;
    expect(p.bytes[0]).toBe(0xbf);
  });
});

describe('assembly text', () => {
  it.each(['llvm', 'ubpf'] as const)('in %s reassembles to the same program, maps and entries included', (syntax) => {
    const p = object('kprobe_write').programs[1].program;
    p.maps = p.maps.map((m) => (m.name === 'start_ns' ? { ...m, entries: [{ key: new Uint8Array([1, 0, 0, 0]), value: new Uint8Array(8).fill(9) }] } : m));
    const text = exportText(p, syntax, ['exported by bpflab']);
    expect(text.startsWith('; exported by bpflab\n')).toBe(true);
    expect(text).toContain('.entry start_ns key=01000000 value=0909090909090909\n');
    const r = assemble(text, { syntax });
    expect(r.ok && Buffer.from(r.program.bytes).equals(Buffer.from(p.bytes))).toBe(true);
    expect(r.ok && r.program.maps.find((m) => m.name === 'start_ns')!.entries).toEqual(p.maps[0].entries);
  });
});

describe('run requests', () => {
  it('every fixture program exports a request bpflab run --json accepts', () => {
    const progs = ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls'].flatMap((n) => object(n).programs);
    for (const { program } of progs) {
      const parsed = parseRequest(JSON.parse(exportRequestJson(program, { run: { packet: new Uint8Array(60), repeat: 2 }, privileged: false })));
      if (typeof parsed === 'string') throw new Error(parsed);
      expect(parsed.insns).toEqual(program.bytes);
      expect(parsed.fixups).toEqual(program.mapRefs.map((r) => ({ insn: r.pc, map: r.map })));
      expect(parsed.maps.map((m) => m.name)).toEqual(program.maps.map((m) => m.name));
      expect(parsed.unprivileged).toBe(true);
      expect(parsed.run?.repeat).toBe(2);
    }
  });

  it('carries type, instructions, license, version, maps with contents and fixups', () => {
    const p = object('kprobe_write').programs[0].program;
    const maps = p.maps.map((m) => (m.name === 'start_ns' ? { ...m, entries: [{ key: new Uint8Array([1, 0, 0, 0]), value: new Uint8Array(8).fill(7) }] } : m));
    const req = exportRequest(p, { maps, logLevel: 2, logSize: 4096 });
    expect(req).toMatchObject({
      prog_type: 'kprobe',
      license: 'GPL',
      kern_version: 0x040800,
      log_level: 2,
      log_size: 4096,
      map_fixups: [
        { insn: 11, map: 'start_ns' },
        { insn: 16, map: 'stacks' },
      ],
      maps: [
        { name: 'start_ns', type: 'hash', key_size: 4, value_size: 8, max_entries: 10240, flags: 0, entries: [{ key: '01000000', value: '0707070707070707' }] },
        { name: 'stacks', type: 'stack_trace', key_size: 4, value_size: 1016, max_entries: 1000, flags: 0, entries: [] },
      ],
    });
    expect(req.insns.length).toBe(p.bytes.length / 8);
    expect(req.run).toBeUndefined();
  });

  it('lets the directives win and falls back to the options, then to defaults', () => {
    const bare = programFromBytes(new Uint8Array([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(exportRequest(bare)).toEqual({
      prog_type: 'socket_filter',
      insns: ['b700000000000000', '9500000000000000'],
      license: 'GPL',
      log_level: 1,
      log_size: 1 << 20,
      maps: [],
      map_fixups: [],
    });
    const withOpts = exportRequest(bare, { progType: ProgType.Xdp, license: 'MIT', kernVersion: 5, run: { packet: new Uint8Array([1, 2]), repeat: 3 } });
    expect(withOpts).toMatchObject({ prog_type: 'xdp', license: 'MIT', kern_version: 5, run: { data: '0102', repeat: 3 } });
    bare.directives = { progType: ProgType.SchedCls, license: 'GPL' };
    expect(exportRequest(bare, { progType: ProgType.Xdp, license: 'MIT' })).toMatchObject({ prog_type: 'sched_cls', license: 'GPL' });
  });

  it('writes a request file as JSON', () => {
    const p = object('xdp_drop').programs[0].program;
    expect(JSON.parse(exportRequestJson(p))).toEqual(exportRequest(p));
  });
});

describeKernel('exported requests on the host kernel', () => {
  it('every ELF fixture program loads on the host kernel', () => {
    const progs = ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls'].flatMap((n) => object(n).programs);
    const answers = askKernel(progs.map((p) => exportRequest(p.program)));
    answers.forEach((a, i) => expect({ section: progs[i].section, ok: a.load?.ok, err: a.request_error }).toEqual({ section: progs[i].section, ok: true, err: undefined }));
  });

  it('xdp_drop over the capture fixture: UDP to port 9 is dropped, the rest pass', () => {
    const cap = parseCapture(new Uint8Array(readFileSync('test/fixtures/pcap/eth-us-le.pcap')));
    if (!cap.ok) throw new Error(cap.error);
    const p = object('xdp_drop').programs[0].program;
    const answers = askKernel(cap.capture.packets.map((pk) => exportRequest(p, { run: { packet: pk.data } })));
    expect(answers.map((a) => a.run?.retval)).toEqual([2, 2, 2, 2, 1]);
    // each request runs on fresh maps: the first packet (TCP, protocol 6) counted once
    const rx = answers[0].maps.find((m) => m.name === 'rxcnt')!;
    const tcp = rx.entries.find((e) => e.key === '06000000')!;
    expect(perCpuSum(tcp.value)).toBe(1n);
  });

  it('bpflab answers an exported request as the host does: verdicts, packets and counters', () => {
    const cap = parseCapture(new Uint8Array(readFileSync('test/fixtures/pcap/eth-us-le.pcap')));
    if (!cap.ok) throw new Error(cap.error);
    const p = object('xdp_drop').programs[0].program;
    const reqs = cap.capture.packets.map((pk) => exportRequest(p, { run: { packet: pk.data, repeat: 3 } }));
    const host = askKernel(reqs);
    reqs.forEach((req, i) => {
      const ours = answerValue(req);
      if ('request_error' in ours) throw new Error(ours.request_error);
      const h = host[i];
      expect({ i, ok: ours.load.ok, retval: ours.run?.retval, data: ours.run?.data_out }).toEqual({ i, ok: h.load.ok, retval: h.run?.retval, data: h.run?.data_out });
      // per-CPU counters: which CPU ran differs, the totals may not
      const totals = (maps: Answer['maps']) => maps.map((m) => ({ name: m.name, entries: m.entries.map((e) => [e.key, perCpuSum(e.value)]) }));
      expect(totals(ours.maps as Answer['maps'])).toEqual(totals(h.maps));
    });
  });

  it('map contents go in with the request', () => {
    const p = object('tc_two').programs[1].program; // act_mark: bumps verdicts[idx], a per-CPU array
    const verdicts = p.maps.find((m) => m.name === 'verdicts')!;
    expect(verdicts.type).toBe(MapType.PercpuArray);
    const [a] = askKernel([exportRequest(p, { maps: [{ ...verdicts, entries: [{ key: new Uint8Array([2, 0, 0, 0]), value: new Uint8Array(8).fill(0x11) }] }] })]);
    expect(a.load.ok).toBe(true);
    const e = a.maps[0].entries.find((x) => x.key === '02000000')!;
    expect(e.value.slice(0, 16)).toBe('1111111111111111');
  });

});
