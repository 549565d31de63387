import { describe, expect, it } from 'vitest';
import { ProgType } from '../../src/isa';
import { Journal } from '../../src/mem';
import { SkbCtx } from '../../src/kernel/progtypes/skbctx';
import { harness, tryPrepare } from './harness';
import { frame, ipv4Udp, ipv6Udp } from './packets';
import { hex, unhex } from '../support/kernel';

const SF = ProgType.SocketFilter;
const TC = ProgType.SchedCls;

const load = (h: ReturnType<typeof harness>, off: number, size = 4) => h.run.regions.ctx!.hooks!.load(off, size);
const store = (h: ReturnType<typeof harness>, off: number, v: bigint, size = 4) => h.run.regions.ctx!.hooks!.store(off, size, v);

describe('building the skb as BPF_PROG_TEST_RUN does', () => {
  const sizes: [string, Uint8Array, string | null][] = [
    ['13 bytes', frame(13), 'EINVAL'],
    ['14 bytes', frame(14), null],
    ['3712 bytes', frame(3712), null],
    ['3713 bytes', frame(3713), 'EINVAL'],
    ['IPv4 in 33 bytes', frame(33, 0x0800), 'EINVAL'],
    ['IPv4 in 34 bytes', frame(34, 0x0800), null],
    ['IPv6 in 53 bytes', frame(53, 0x86dd), 'EINVAL'],
    ['IPv6 in 54 bytes', frame(54, 0x86dd), null],
  ];
  it.each(sizes)('%s', (_, data, errno) => {
    for (const t of [SF, TC]) {
      const r = tryPrepare(t, { data });
      expect(r.ok ? null : r.error).toBe(errno);
    }
  });

  it('refuses a run without a packet', () => {
    const r = tryPrepare(TC, {});
    expect(r.ok ? null : r.error).toBe('EINVAL');
  });

  const protocols: [string, Uint8Array, bigint][] = [
    ['IPv4 reads network order', ipv4Udp(), 0x0008n],
    ['IPv6', ipv6Udp(), 0xdd86n],
    ['VLAN keeps 802.1Q', ipv4Udp(8, { vlan: [5] }), 0x0081n],
    ['802.3 length with 0xffff: ETH_P_802_3', unhex('020000000002 020000000001 0040 ffff 0000'), 0x0100n],
    ['802.3 length otherwise: ETH_P_802_2', unhex('020000000002 020000000001 0040 aaaa 0300'), 0x0400n],
  ];
  it.each(protocols)('protocol: %s', (_, data, want) => {
    expect(load(harness(TC, { data }), SkbCtx.protocol)).toBe(want);
  });

  const pktTypes: [string, string, bigint][] = [
    ['all-zero destination: PACKET_HOST', '000000000000', 0n],
    ['multicast: PACKET_MULTICAST', '01005e000001', 2n],
    ['broadcast is multicast too (loopback broadcast is zeros)', 'ffffffffffff', 2n],
    ['anything else: PACKET_OTHERHOST', '020000000002', 3n],
  ];
  it.each(pktTypes)('pkt_type: %s', (_, dst, want) => {
    const data = frame(60);
    data.set(unhex(dst), 0);
    expect(load(harness(SF, { data }), SkbCtx.pkt_type)).toBe(want);
  });

  it('socket filters see data after the Ethernet header; tc the whole frame', () => {
    const data = ipv4Udp(10);
    expect(load(harness(SF, { data }), SkbCtx.len)).toBe(BigInt(data.length - 14));
    const tc = harness(TC, { data });
    expect(load(tc, SkbCtx.len)).toBe(BigInt(data.length));
    expect(load(tc, SkbCtx.data_end)! - load(tc, SkbCtx.data)!).toBe(BigInt(data.length));
    expect(load(tc, SkbCtx.ifindex)).toBe(1n);
  });

  it('data_out: socket filters get 14 zero bytes in front, tc the frame', () => {
    const data = ipv4Udp(4);
    const sf = harness(SF, { data }).run.finish(0n).dataOut!;
    expect(hex(sf.subarray(0, 14))).toBe('00'.repeat(14));
    expect(hex(sf.subarray(14))).toBe(hex(data.subarray(14)));
    expect(hex(harness(TC, { data }).run.finish(0n).dataOut!)).toBe(hex(data));
  });
});

describe('ctx_in', () => {
  const ctx = (fields: Record<number, number>, size = 84): Uint8Array => {
    const b = new Uint8Array(size);
    for (const [off, v] of Object.entries(fields)) new DataView(b.buffer).setUint32(Number(off), v, true);
    return b;
  };
  it('sets mark, priority, ingress_ifindex, ifindex and cb', () => {
    const h = harness(TC, { data: ipv4Udp(), ctx: ctx({ 8: 7, 32: 3, 36: 9, 40: 2, 48: 11, 64: 15 }) });
    expect([SkbCtx.mark, SkbCtx.priority, SkbCtx.ingress_ifindex, SkbCtx.ifindex, 48, 64].map((o) => load(h, o))).toEqual([7n, 3n, 9n, 2n, 11n, 15n]);
  });
  it('zero-extends a short ctx', () => {
    expect(load(harness(TC, { data: ipv4Udp(), ctx: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 5) }), SkbCtx.mark)).toBe(5n);
  });
  const bad: [string, Uint8Array, string][] = [
    ['a non-zero len', ctx({ 0: 1 }), 'EINVAL'],
    ['a non-zero tc_index', ctx({ 44: 1 }), 'EINVAL'],
    ['a non-zero hash', ctx({ 68: 1 }), 'EINVAL'],
    ['an ifindex with no device', ctx({ 40: 99 }), 'ENODEV'],
    ['a non-zero byte past the 4.8 struct', ctx({ 84: 1 }, 100), 'EINVAL'],
    ['a non-zero byte past the host struct', ctx({ 196: 1 }, 200), 'E2BIG'],
  ];
  it.each(bad)('refuses %s', (_, c, errno) => {
    const r = tryPrepare(TC, { data: ipv4Udp(), ctx: c });
    expect(r.ok ? null : r.error).toBe(errno);
  });
});

describe('__sk_buff reads and writes', () => {
  it('tc writes: mark/priority/cb keep 32 bits, tc_index and tc_classid 16', () => {
    const h = harness(TC, { data: ipv4Udp() });
    const writes: [number, bigint, bigint][] = [
      [SkbCtx.mark, 0x1_2345_6789n, 0x2345_6789n],
      [SkbCtx.priority, 0xffff_ffffn, 0xffff_ffffn],
      [SkbCtx.cb0 + 8, 0xdead_beefn, 0xdead_beefn],
      [SkbCtx.tc_index, 0x12345n, 0x2345n],
      [SkbCtx.tc_classid, 0xabcdefn, 0xcdefn],
    ];
    for (const [off, v, want] of writes) {
      expect(store(h, off, v)).toBe(true);
      expect(load(h, off)).toBe(want);
    }
    expect(h.run.regions.ctx!.bytes[SkbCtx.tc_index]).toBe(0x45); // the display mirror follows
  });
  it('refuses what the 4.8 rules refuse', () => {
    const sf = harness(SF, { data: ipv4Udp() });
    expect(store(sf, SkbCtx.mark, 1n)).toBe(false);
    expect(store(sf, SkbCtx.cb0, 1n)).toBe(true);
    expect(load(sf, SkbCtx.data)).toBeNull();
    expect(load(sf, SkbCtx.tc_classid)).toBeNull();
    const tc = harness(TC, { data: ipv4Udp() });
    expect(store(tc, SkbCtx.len, 1n)).toBe(false);
    expect(load(tc, SkbCtx.mark, 2)).toBeNull();
    expect(load(tc, 2)).toBeNull();
    expect(load(tc, 84)).toBeNull();
  });
  it('writes step back with the journal', () => {
    const h = harness(TC, { data: ipv4Udp() });
    const j = new Journal();
    h.k.mem.journal = j;
    store(h, SkbCtx.mark, 5n);
    store(h, SkbCtx.cb0, 6n);
    expect(h.run.regions.ctx!.bytes[SkbCtx.mark]).toBe(5);
    j.rewindTo(0);
    expect([load(h, SkbCtx.mark), load(h, SkbCtx.cb0)]).toEqual([0n, 0n]);
    expect(h.run.regions.ctx!.bytes[SkbCtx.mark]).toBe(0); // the display mirror steps back too
  });
});

describe('LD_ABS / LD_IND offsets (4.8 load_pointer)', () => {
  const data = ipv4Udp(4);
  const NET = -0x100000;
  const LL = -0x200000;
  const cases: [string, number, number, number, number | null][] = [
    ['socket filter 0 is the IP version byte', SF, 0, 1, 0x45],
    ['socket filter SKF_NET_OFF is the same', SF, NET, 1, 0x45],
    ['socket filter SKF_LL_OFF+12 is the ethertype', SF, LL + 12, 2, 0x0800],
    ['tc 12 is the ethertype', TC, 12, 2, 0x0800],
    ['tc SKF_NET_OFF+9 is the IP protocol', TC, NET + 9, 1, 17],
    ['big-endian word', TC, 26, 4, 0x0a000001],
    ['past the end', TC, data.length - 1, 2, null],
    ['socket filter past its shorter len', SF, data.length - 14, 1, null],
    ['-1 is past the network header range', TC, -1, 1, null],
    ['below SKF_LL_OFF', TC, LL - 1, 1, null],
  ];
  it.each(cases)('%s', (_, t, k, size, want) => {
    expect(harness(t, { data }).run.host.loadSkb(k, size as 1 | 2 | 4)).toBe(want);
  });
});
