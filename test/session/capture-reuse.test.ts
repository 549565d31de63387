/**
 * A capture replay reuses one run state for its packets (PreparedRun.reload: the packet's bytes,
 * the skb's fields, a zeroed stack, the one machine reset). Nothing may leak from one packet to
 * the next: every replay here is compared, packet by packet, with the same packets run the way
 * the kernel runs them, one fresh BPF_PROG_TEST_RUN each (a new run state, a new interpreter), in
 * an identical kernel; then the maps, trace_pipe, the clock and the PRNG of both kernels must be
 * equal too. Programs write what the next packet would see if it leaked: cb[], mark, priority,
 * tc_index, a VLAN tag, the stack, packet bytes; some packets fault, loop to the budget, make 33
 * tail calls, are refused by the test run, or are not Ethernet. Each replay runs compiled and
 * interpreted, in one slice and in slices of 64 packets (a new run state each slice).
 */
import { describe, expect, test } from 'vitest';
import { Cmd, LINUX_VERSION_CODE, ProgType, bytesToHex, errnoName } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { prepareRun, type PreparedRun } from '../../src/kernel/run';
import type { LoadedProg } from '../../src/kernel/types';
import type { Capture, Packet } from '../../src/pcap';
import { DEFAULT_SETTINGS, type CaptureReplay, type EngineSettings, type LoadRequest } from '../../src/protocol';
import { COMPILE_FROM_START, CaptureReplayer } from '../../src/session/capture';
import { loadProgram } from '../../src/session/load';
import { progLoad } from '../../src/verifier';
import { Machine, type Engine } from '../../src/vm';
import { generate, Rng } from '../verifier/gen';
import { kernelState, makeWorld, randomFrame, randomizeMaps } from '../verifier/soundness';

/** What one packet gave: its verdict's name, retval and instruction count. */
interface PacketResult {
  verdict: string;
  retval: number;
  steps: number;
}

/** The reference: each packet one fresh test run (prepareRun, a new interpreter), as the kernel does it. */
function freshReplay(k: Kernel, prog: LoadedProg, capture: Capture, ctx: Uint8Array | undefined, settings: EngineSettings): PacketResult[] {
  return capture.packets.map((pkt) => {
    if (pkt.linkType !== 1) return { verdict: `skipped: link type ${pkt.linkType}`, retval: 0, steps: 0 };
    const prep = prepareRun(k, prog, { data: pkt.data, ctx });
    if (!prep.ok) return { verdict: `error: ${prep.error ?? errnoName(prep.errno)}`, retval: 0, steps: 0 };
    const m = new Machine(prep.host, prog, prep.init, { semantics: settings.semantics, budget: settings.budget, engine: 'interpreter' });
    try {
      const stop = m.run();
      prep.retire(m.stepCount);
      if (stop.kind !== 'exit') return { verdict: stop.kind === 'fault' ? 'fault' : 'instruction budget', retval: 0, steps: m.stepCount };
      const r = prep.finish(stop.r0);
      return { verdict: r.verdict.name.startsWith('keep all ') ? 'keep all' : r.verdict.name, retval: r.retval >>> 0, steps: m.stepCount };
    } finally {
      m.dispose();
      prep.dispose();
    }
  });
}

/** The replay under test; `sliced`: slices of 64 packets (the run state released and prepared again between them). */
function replay(k: Kernel, prog: LoadedProg, capture: Capture, ctx: Uint8Array | undefined, settings: EngineSettings, engine: Engine, sliced: boolean): PacketResult[] {
  let t = 0;
  const r = new CaptureReplayer(k, prog, capture, ctx, settings, () => (t += 1), engine);
  try {
    if (sliced) {
      let slices = 0;
      while (r.result(false).done < capture.packets.length && slices < 100_000) {
        r.slice(0);
        slices++;
      }
      if (capture.packets.length > 64) expect(slices).toBeGreaterThan(1);
    } else r.slice(1e12);
    const out = r.result(false);
    expect(out.done).toBe(capture.packets.length);
    return resultsOf(out);
  } finally {
    r.dispose();
  }
}

/** Each packet's verdict, retval and steps of a replay's results. */
const resultsOf = (out: CaptureReplay): PacketResult[] =>
  Array.from({ length: out.done }, (_, i) => ({ verdict: out.names[out.verdicts[i]], retval: out.retvals[i], steps: out.steps[i] }));

/** An Ethernet frame of `len` bytes, byte i = seed + 7 i, but for a unicast destination and ethertype 0x88b5 (no length rules). */
function frame(len: number, seed: number): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = (seed + i * 7) & 0xff;
  f[0] = 0; // unicast
  f[12] = 0x88;
  f[13] = 0xb5;
  return f;
}

const packetOf = (data: Uint8Array, index: number, linkType = 1): Packet => ({ index, timestampNs: BigInt(index) * 1000n, data, originalLength: data.length, linkType });

/** Packet sizes: runs of the same size (the packet's buffer reused) and changes (a new one). */
const SIZES = [64, 64, 64, 77, 64, 99, 99, 60];

/** Packets of a capture: more than the replay runs between two looks at the clock (64), so a sliced replay has several slices. */
const PACKETS = 150;
/** Those that run: all but 3 the test run refuses and 3 of another link type. */
const RAN = PACKETS - 6;

/** PACKETS packets of sizes 60..99 with, in between, packets the test run refuses (10 bytes), of another link type, and `extra`. */
function capture(extra: (i: number) => Uint8Array | undefined = () => undefined): Capture {
  const packets: Packet[] = [];
  for (let i = 0; i < PACKETS; i++) {
    const special = extra(i);
    if (special) packets.push(packetOf(special, packets.length));
    else if (i % 50 === 17) packets.push(packetOf(new Uint8Array(10), packets.length));
    else if (i % 50 === 23) packets.push(packetOf(frame(64, i), packets.length, 101));
    else packets.push(packetOf(frame(SIZES[i % SIZES.length], i), packets.length));
  }
  return { format: 'pcap', packets, warnings: [] };
}

/** r0 = cb[4] + the packet's byte 30 (LD_ABS, from the network header), then cb[4] = 99 */
const CB_FILTER = `.type socket_filter
  r6 = r1
  r7 = *(u32 *)(r6 +64)
  r0 = *(u8 *)skb[30]
  r7 += r0
  r1 = 99
  *(u32 *)(r6 +64) = r1
  r0 = r7
  exit
`;

/** A kernel with `text` loaded (verified unless `verify` is false); its program and map fds. */
function load(text: string, verify = true, setup?: LoadRequest['setup']): { k: Kernel; prog: LoadedProg; mapFds: number[]; maps: Map<string, number> } {
  const k = new Kernel(verify ? { verifier: progLoad, seed: 1 } : { seed: 1 });
  const { result, loaded } = loadProgram(k, { text, syntax: 'auto', progType: ProgType.SocketFilter, logLevel: 0, logSize: 0, privileged: true, setup }, null);
  if (!result.ok || loaded?.progFd == null) throw new Error(`load: ${result.errnoName} ${result.log}`);
  return { k, prog: k.progOfFd(loaded.progFd)!, mapFds: loaded.mapFds, maps: loaded.mapsByName };
}

/**
 * Replays `cap` through `text` with reuse (compiled and interpreted, in one slice and in slices)
 * and without (the reference), each in its own identical kernel; all must agree. Returns the reference's results.
 */
function compare(text: string, cap: Capture, opts: { verify?: boolean; ctx?: Uint8Array; budget?: number; setup?: LoadRequest['setup'] } = {}): PacketResult[] {
  const settings = { ...DEFAULT_SETTINGS, budget: opts.budget ?? DEFAULT_SETTINGS.budget };
  const ref = load(text, opts.verify, opts.setup);
  const want = freshReplay(ref.k, ref.prog, cap, opts.ctx, settings);
  const wantState = kernelState(ref.k, ref.mapFds);
  for (const engine of ['compiled', 'interpreter'] as const) {
    for (const sliced of [false, true]) {
      const x = load(text, opts.verify, opts.setup);
      const got = replay(x.k, x.prog, cap, opts.ctx, settings, engine, sliced);
      expect({ engine, sliced, got }).toEqual({ engine, sliced, got: want });
      expect({ engine, sliced, state: kernelState(x.k, x.mapFds) }).toEqual({ engine, sliced, state: wantState });
    }
  }
  return want;
}

/** The packets that ran (neither refused by the test run nor skipped). */
const didRun = (x: PacketResult): boolean => !x.verdict.startsWith('error') && !x.verdict.startsWith('skipped');
const ran = (r: PacketResult[]) => r.filter(didRun);

/** Everything of a prepared run that a program or the debugger can see: registers at entry, the regions' addresses and bytes, the skb. */
function runView(p: PreparedRun): unknown {
  const regions = Object.fromEntries(Object.entries(p.regions).map(([name, r]) => [name, r ? { hi: r.hi, lo: r.lo, size: r.size, bytes: bytesToHex(r.bytes.subarray(0, r.size)) } : null]));
  return { init: p.init, regions, skb: p.skb?.f ?? null, len: p.packetLen(), tailCalls: p.state.tailCalls, clocked: p.state.clocked };
}

describe('PreparedRun.reload', () => {
  const TC = `.type sched_cls
    r6 = r1
    r1 = 77
    *(u32 *)(r6 +48) = r1
    *(u32 *)(r6 +8) = r1
    r1 = r6
    r2 = 0x0081
    r3 = 5
    call bpf_skb_vlan_push
    r1 = 0x1234
    *(u64 *)(r10 -8) = r1
    r0 = 0
    exit
  `;
  const XDP = `.type xdp
    r2 = *(u32 *)(r1 +0)
    r3 = *(u32 *)(r1 +4)
    r4 = r2
    r4 += 40
    if r4 > r3 goto out
    r5 = 0xee
    *(u8 *)(r2 +20) = r5
    *(u64 *)(r10 -16) = r5
  out:
    r0 = 2
    exit
  `;
  test.each([
    ['tc, with ctx_in', TC, Uint8Array.from({ length: 68 }, (_, i) => (i === 8 || i === 32 || i === 52 ? 9 : 0))],
    ['tc', TC, undefined],
    ['xdp', XDP, undefined],
  ])('after a run that changed the skb, the stack and the packet, a reload (%s) gives what a fresh build gives', (_, text, ctx) => {
    const a = load(text);
    const b = load(text);
    const first = prepareRun(a.k, a.prog, { data: frame(64, 1), ctx });
    if (!first.ok) throw new Error(first.message);
    const m = new Machine(first.host, a.prog, first.init);
    expect(m.run().kind).toBe('exit');
    for (const data of [frame(64, 2), frame(64, 3), frame(90, 4), frame(64, 5)]) {
      expect(first.reload!(data)).toBeNull();
      const fresh = prepareRun(b.k, b.prog, { data, ctx });
      if (!fresh.ok) throw new Error(fresh.message);
      expect(runView(first)).toEqual(runView(fresh));
      m.reset(first.init);
      const n = new Machine(fresh.host, b.prog, fresh.init);
      expect([m.run(), m.regs()]).toEqual([n.run(), n.regs()]);
      expect(runView(first)).toEqual(runView(fresh));
      fresh.dispose();
    }
    // a packet the test run refuses is refused the same way, and changes nothing
    const before = runView(first);
    expect(first.reload!(new Uint8Array(10))).toMatchObject({ ok: false, error: 'EINVAL' });
    expect(runView(first)).toEqual(before);
    first.dispose();
  });

  test('a run without a packet cannot reload', () => {
    const a = load('.type kprobe\nr0 = 0\nexit\n');
    const p = prepareRun(a.k, a.prog, {});
    if (!p.ok) throw new Error(p.message);
    expect(p.reload).toBeNull();
    expect(p.packetLen()).toBe(0);
    p.dispose();
  });
});

describe('capture replay: one run state for all packets, nothing leaks between them', () => {
  test('a tc program that reads, then writes, cb[0], mark, priority, tc_index and a VLAN tag sees only the fresh values', () => {
    // r0 = len + cb[0] + mark + priority + tc_index + vlan_present + vlan_tci, then writes them all from the packet
    const text = `.type sched_cls
      r6 = r1
      r7 = *(u32 *)(r6 +0)
      r1 = *(u32 *)(r6 +48)
      r7 += r1
      r1 = *(u32 *)(r6 +8)
      r7 += r1
      r1 = *(u32 *)(r6 +32)
      r7 += r1
      r1 = *(u32 *)(r6 +44)
      r7 += r1
      r1 = *(u32 *)(r6 +20)
      r7 += r1
      r1 = *(u32 *)(r6 +24)
      r7 += r1
      r0 = *(u8 *)skb[20]
      r0 += 1
      *(u32 *)(r6 +48) = r0
      *(u32 *)(r6 +8) = r0
      *(u32 *)(r6 +32) = r0
      *(u32 *)(r6 +44) = r0
      r1 = r6
      r2 = 0x8100 ll
      r2 = be16 r2
      r3 = 5
      call bpf_skb_vlan_push
      r0 = r7
      exit
    `;
    const cap = capture();
    const want = compare(text, cap);
    // every packet that ran saw a fresh skb: r0 is its length alone
    for (const [i, r] of want.entries()) if (didRun(r)) expect({ i, retval: r.retval }).toEqual({ i, retval: cap.packets[i].data.length });
    expect(ran(want).length).toBe(RAN);
    // with ctx_in (mark 5, priority 3, cb[0] 7): every packet starts from those
    const ctx = new Uint8Array(48 + 20);
    ctx[8] = 5;
    ctx[32] = 3;
    ctx[48] = 7;
    const withCtx = compare(text, cap, { ctx });
    for (const [i, r] of withCtx.entries()) if (didRun(r)) expect({ i, retval: r.retval }).toEqual({ i, retval: cap.packets[i].data.length + 15 });
  });

  test('a socket filter that writes cb[] sees only its own packet and a zero cb[]', () => {
    const text = CB_FILTER;
    const cap = capture();
    const want = compare(text, cap);
    for (const [i, r] of want.entries()) if (didRun(r)) expect({ i, retval: r.retval }).toEqual({ i, retval: cap.packets[i].data[14 + 30] });
  });

  test('an XDP program that writes the packet directly reads each packet as it came', () => {
    const text = `.type xdp
      r2 = *(u32 *)(r1 +0)
      r3 = *(u32 *)(r1 +4)
      r4 = r2
      r4 += 32
      r0 = 1
      if r4 > r3 goto out
      r0 = *(u8 *)(r2 +20)
      r5 = 0xee
      *(u8 *)(r2 +20) = r5
      *(u8 *)(r2 +31) = r5
    out:
      exit
    `;
    const cap = capture();
    const want = compare(text, cap);
    for (const [i, r] of want.entries()) if (didRun(r)) expect({ i, retval: r.retval }).toEqual({ i, retval: cap.packets[i].data[20] });
  });

  test('an unverified program: the stack starts zeroed for each packet; a fault or the budget on packet k, and packet k+1 runs normally', () => {
    // byte 20 = 0x99 faults (a load through a null pointer), 0x98 loops to the budget; else r0 = the stack's old u64 at fp-8, then it is overwritten
    const text = `.type socket_filter
      r6 = r1
      r0 = *(u8 *)skb[6]
      if r0 == 0x99 goto crash
      if r0 == 0x98 goto spin
      r0 = *(u64 *)(r10 -8)
      r1 = 0x1234
      *(u64 *)(r10 -8) = r1
      *(u64 *)(r10 -512) = r1
      exit
    crash:
      r1 = 0
      r0 = *(u64 *)(r1 +0)
      exit
    spin:
      r0 += 1
      goto spin
    `;
    const special = (i: number): Uint8Array | undefined => {
      if (i !== 5 && i !== 9 && i !== 10) return undefined;
      const f = frame(64, i);
      f[20] = i === 9 ? 0x98 : 0x99;
      return f;
    };
    const want = compare(text, capture(special), { verify: false, budget: 5000 });
    expect(want[5].verdict).toBe('fault');
    expect(want[9]).toEqual({ verdict: 'instruction budget', retval: 0, steps: 5000 });
    expect(want[10].verdict).toBe('fault');
    for (const i of [6, 11]) expect(want[i]).toMatchObject({ verdict: 'drop', retval: 0 });
    for (const r of ran(want)) if (r.verdict !== 'fault' && r.verdict !== 'instruction budget') expect(r.retval).toBe(0);
  });

  test('map changes and trace_printk lines come per packet as with a fresh run each', () => {
    const text = `.type socket_filter
      .map counts array key=4 value=8 entries=4
      r6 = r1
      r0 = *(u8 *)skb[5]
      r0 &= 3
      *(u32 *)(r10 -4) = r0
      r2 = r10
      r2 += -4
      r1 = map[counts] ll
      call bpf_map_lookup_elem
      if r0 == 0 goto out
      r1 = *(u32 *)(r6 +0)
      lock *(u64 *)(r0 +0) += r1
      r1 = 0x000a6425206e656c ll
      *(u64 *)(r10 -16) = r1
      r1 = r10
      r1 += -16
      r2 = 8
      r3 = *(u32 *)(r6 +0)
      call bpf_trace_printk
    out:
      r0 = -1
      exit
    `;
    const cap = capture();
    compare(text, cap);
    const x = load(text);
    replay(x.k, x.prog, cap, undefined, DEFAULT_SETTINGS, 'compiled', true);
    const lines = x.k.trace.read();
    expect(lines.length).toBe(RAN);
    const lens = cap.packets.filter((p, i) => i % 50 !== 17 && i % 50 !== 23).map((p) => `len ${p.data.length - 14}\n`);
    expect(lines.map((l) => l.slice(l.lastIndexOf(': ') + 2))).toEqual(lens);
  });

  test('each packet makes its own 33 tail calls (the count starts at 0 for each)', () => {
    const body = `
      r6 = r1
      r1 = 0
      *(u32 *)(r10 -4) = r1
      r2 = r10
      r2 += -4
      r1 = map[hits] ll
      call bpf_map_lookup_elem
      if r0 == 0 goto out
      r1 = 1
      lock *(u64 *)(r0 +0) += r1
      r1 = r6
      r2 = map[jmp] ll
      r3 = 0
      call bpf_tail_call
    out:
      r0 = 0
      exit
    `;
    const text = `.type socket_filter
      .map jmp prog_array key=4 value=4 entries=1
      .map hits array key=4 value=8 entries=1
      ${body}`;
    const cap = capture();
    const setup = { progs: [{ name: 'self', text }], slots: [{ map: 'jmp', index: 0, value: { prog: 'self' } }] };
    compare(text, cap, { setup });
    const hits = (c: Capture): number => {
      const x = load(text, true, setup);
      replay(x.k, x.prog, c, undefined, DEFAULT_SETTINGS, 'compiled', false);
      const [e] = x.k.mapOfFd(x.maps.get('hits')!)!.entries();
      return new DataView(e.value.buffer, e.value.byteOffset).getUint32(0, true);
    };
    // one packet: the program and 33 tail calls (4.8 tests tail_call_cnt > MAX_TAIL_CALL_CNT, 32, before counting one)
    const one = hits({ ...cap, packets: cap.packets.slice(0, 1) });
    expect(one).toBe(34);
    expect(hits(cap)).toBe(RAN * one);
  });

  test('random verified programs of the packet types on random packets: the replay equals a fresh run a packet', () => {
    const worlds = [
      { progType: ProgType.SocketFilter, privileged: true },
      { progType: ProgType.SocketFilter, privileged: false },
      { progType: ProgType.SchedCls, privileged: true },
      { progType: ProgType.Xdp, privileged: true },
    ];
    let compared = 0;
    for (let i = 0; i < 240; i++) {
      const seed = (0xcab + i * 0x9e3779b1) >>> 0;
      const wx = worlds[i % worlds.length];
      const a = makeWorld(wx.progType, wx.privileged);
      const b = makeWorld(wx.progType, wx.privileged);
      b.k.verifier = undefined; // the same bytes, verified in `a`
      const prog = generate(seed, { progType: wx.progType, privileged: wx.privileged, maps: a.maps, mode: 'sound' });
      const attr = { progType: wx.progType, insns: prog.bytes, license: 'GPL', kernVersion: LINUX_VERSION_CODE };
      const la = a.k.bpf(Cmd.PROG_LOAD, attr);
      if (!la.ok) continue;
      const lb = b.k.bpf(Cmd.PROG_LOAD, attr);
      expect(lb.ok).toBe(true);
      if (!lb.ok) continue;
      const rng = new Rng(seed ^ 0x5eed);
      randomizeMaps(a, new Rng(seed ^ 1));
      randomizeMaps(b, new Rng(seed ^ 1));
      const packets: Packet[] = [];
      for (let p = 0; p < 24; p++) {
        packets.push(packetOf(p === 11 ? rng.bytes(8) : randomFrame(rng), p));
      }
      const cap: Capture = { format: 'pcap', packets, warnings: [] };
      const settings = { ...DEFAULT_SETTINGS, budget: 200_000 };
      const want = freshReplay(a.k, a.k.progOfFd(la.value)!, cap, undefined, settings);
      const got = replay(b.k, b.k.progOfFd(lb.value)!, cap, undefined, settings, i % 2 ? 'compiled' : 'interpreter', i % 3 === 0);
      expect({ seed, got }).toEqual({ seed, got: want });
      const fds = a.maps.map((m) => m.fd);
      expect({ seed, state: kernelState(b.k, fds) }).toEqual({ seed, state: kernelState(a.k, fds) });
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });
});

describe('the engine a replay runs with by default', () => {
  // 'auto' would interpret the first ~300,000 instructions of a long replay before compiling
  test.each([
    [COMPILE_FROM_START - 1, 'auto'],
    [COMPILE_FROM_START, 'compiled'],
  ])('%i packets: %s, and the same results as a fresh run a packet', (n, engine) => {
    const packets = Array.from({ length: n }, (_, i) => packetOf(frame(SIZES[i % SIZES.length], i), i));
    const cap: Capture = { format: 'pcap', packets, warnings: [] };
    const ref = load(CB_FILTER);
    const want = freshReplay(ref.k, ref.prog, cap, undefined, DEFAULT_SETTINGS);
    const x = load(CB_FILTER);
    const r = new CaptureReplayer(x.k, x.prog, cap, undefined, DEFAULT_SETTINGS);
    try {
      expect(r.engine).toBe(engine);
      r.slice(1e12);
      expect(resultsOf(r.result(false))).toEqual(want);
    } finally {
      r.dispose();
    }
  });
});
