import { describe, expect, it } from 'vitest';
import { Errno, ProgType } from '../../src/isa';
import { Journal } from '../../src/mem';
import { SkbCtx } from '../../src/kernel/progtypes/skbctx';
import { csumPartial } from '../../src/kernel/helpers/csum';
import { harness, neg } from './harness';
import { frame, ipv4Checksum, ipv4Udp, ipv6Udp } from './packets';
import { hex } from '../support/kernel';

const TC = ProgType.SchedCls;
const H = {
  storeBytes: 9,
  l3: 10,
  l4: 11,
  vlanPush: 18,
  vlanPop: 19,
  loadBytes: 26,
  csumDiff: 28,
  changeProto: 31,
  changeType: 32,
  hashRecalc: 34,
};
const field = (h: ReturnType<typeof harness>, off: number) => h.run.regions.ctx!.hooks!.load(off, 4);
const packetNow = (h: ReturnType<typeof harness>) => hex(h.run.finish(0n).dataOut!);

describe('skb_load_bytes', () => {
  const data = ipv4Udp(8);
  const cases: [string, number, number, bigint, string][] = [
    ['the ethertype', 12, 2, 0n, '0800'],
    ['the last byte', data.length - 1, 1, 0n, 'ab'],
    ['past the end: -EFAULT, buffer zeroed', data.length - 1, 2, neg(Errno.EFAULT), '0000'],
    ['offset above 0xffff: -EFAULT', 0x10000, 1, neg(Errno.EFAULT), '00'],
    ['only the low 32 bits of the offset count', 0x1_0000_000c, 2, 0n, '0800'],
  ];
  it.each(cases)('%s', (_, off, len, rc, bytes) => {
    const h = harness(TC, { data });
    const buf = h.put(16, new Array(len).fill(0x77));
    expect(h.r0(H.loadBytes, h.ctx, off, buf, len)).toBe(rc);
    expect(hex(h.get(buf, len))).toBe(bytes);
  });
  it('a failed load leaves the bytes after len alone', () => {
    const h = harness(TC, { data });
    const buf = h.put(16, [1, 2, 3, 4]);
    h.r0(H.loadBytes, h.ctx, 0x10000, buf, 2);
    expect(hex(h.get(buf, 4))).toBe('00000304');
  });
});

describe('skb_store_bytes', () => {
  it('writes at an offset from skb->data and keeps protocol', () => {
    const h = harness(TC, { data: ipv4Udp() });
    const src = h.put(8, [0x86, 0xdd]);
    expect(h.r0(H.storeBytes, h.ctx, 12, src, 2, 0)).toBe(0n);
    expect(packetNow(h).slice(24, 28)).toBe('86dd');
    expect(field(h, SkbCtx.protocol)).toBe(0x0008n);
  });
  const errs: [string, number, number, bigint, bigint][] = [
    ['flags outside {1, 2}', 0, 1, 4n, neg(Errno.EINVAL)],
    ['flags are checked before bounds', 0x10000, 1, 8n, neg(Errno.EINVAL)],
    ['past the end', 60, 8, 0n, neg(Errno.EFAULT)],
    ['offset above 0xffff', 0x10000, 1, 1n, neg(Errno.EFAULT)],
  ];
  it.each(errs)('%s', (_, off, len, flags, rc) => {
    const h = harness(TC, { data: ipv4Udp(8) });
    const before = packetNow(h);
    expect(h.r0(H.storeBytes, h.ctx, off, h.put(8, new Array(8).fill(1)), len, flags)).toBe(rc);
    expect(packetNow(h)).toBe(before);
  });
  it('BPF_F_INVALIDATE_HASH clears skb->hash', () => {
    const h = harness(TC, { data: ipv4Udp() });
    const hash = h.r0(H.hashRecalc, h.ctx);
    expect(field(h, SkbCtx.hash)).toBe(hash);
    h.r0(H.storeBytes, h.ctx, 0, h.put(8, [2]), 1, 2);
    expect(field(h, SkbCtx.hash)).toBe(0n);
  });
});

describe('l3_csum_replace / l4_csum_replace', () => {
  it('an IPv4 TTL change keeps the header checksum valid (field sizes 2 and 4 and the diff form)', () => {
    for (const size of [2, 4, 0]) {
      const h = harness(TC, { data: ipv4Udp() });
      const hdr = () => Uint8Array.from(Buffer.from(packetNow(h), 'hex')).subarray(14, 34);
      const old = hdr();
      const oldWord = old[8] | (old[9] << 8); // ttl, protocol as a raw u16 load
      const oldDword = oldWord | ((old[10] | (old[11] << 8)) << 16);
      h.r0(H.storeBytes, h.ctx, 22, h.put(8, [old[8] - 1]), 1, 0);
      const now = hdr();
      const newWord = now[8] | (now[9] << 8);
      const newDword = newWord | ((now[10] | (now[11] << 8)) << 16);
      let rc: bigint;
      if (size === 2) rc = h.r0(H.l3, h.ctx, 24, oldWord, newWord, 2);
      else if (size === 4) rc = h.r0(H.l3, h.ctx, 24, oldDword >>> 0, newDword >>> 0, 4);
      else {
        const diff = csumPartial(Uint8Array.of(~old[8] & 0xff, ~old[9] & 0xff, 0xff, 0xff, now[8], now[9], 0, 0), 0);
        rc = h.r0(H.l3, h.ctx, 24, 0, diff, 0);
      }
      expect(rc).toBe(0n);
      const after = hdr();
      expect(((after[10] << 8) | after[11]) >>> 0).toBe(ipv4Checksum(after));
    }
  });
  const errs: [string, number, number, bigint, bigint, bigint][] = [
    ['l3 flags beyond the size mask', H.l3, 24, 0n, 0n, 0x10n],
    ['l4 flags beyond 0x3f (BPF_F_MARK_ENFORCE is later)', H.l4, 40, 0n, 0n, 0x40n],
    ['offset above 0xffff', H.l3, 0x10000, 0n, 0n, 2n],
    ['offset + 2 past the end', H.l3, 49, 0n, 0n, 2n],
    ['size 0 with a non-zero from', H.l3, 24, 1n, 0n, 0n],
    ['size 3', H.l4, 40, 0n, 0n, 3n],
  ];
  it.each(errs)('%s', (_, id, off, from, to, flags) => {
    const h = harness(TC, { data: ipv4Udp(8) });
    const want = flags === 0x10n || flags === 0x40n || (flags === 0n && from) || flags === 3n ? neg(Errno.EINVAL) : neg(Errno.EFAULT);
    expect(h.r0(id, h.ctx, off, from, to, flags)).toBe(want);
  });
  it('size beyond 4 is -EINVAL only after the bounds checks', () => {
    const h = harness(TC, { data: ipv4Udp(8) });
    expect(h.r0(H.l3, h.ctx, 0x10000, 0, 0, 5)).toBe(neg(Errno.EFAULT));
    expect(h.r0(H.l3, h.ctx, 24, 0, 0, 5)).toBe(neg(Errno.EINVAL));
  });
  it('an odd offset is computed on 4.8', () => {
    const h = harness(TC, { data: ipv4Udp(8) });
    expect(h.r0(H.l3, h.ctx, 25, 0, 0, 2)).toBe(0n);
  });
  it('BPF_F_MARK_MANGLED_0: a zero checksum stays, a zero result becomes 0xffff', () => {
    const udpCsum = 14 + 20 + 6;
    const withCsum = (v: number) => {
      const h = harness(TC, { data: ipv4Udp(8) });
      h.r0(H.storeBytes, h.ctx, udpCsum, h.put(8, [v & 0xff, v >> 8]), 2, 0);
      return h;
    };
    const read = (h: ReturnType<typeof harness>) => packetNow(h).slice(udpCsum * 2, udpCsum * 2 + 4);
    let h = withCsum(0);
    expect(h.r0(H.l4, h.ctx, udpCsum, 0, 0x1234, 0x22)).toBe(0n);
    expect(read(h)).toBe('0000');
    h = withCsum(0x1234);
    h.r0(H.l4, h.ctx, udpCsum, 0, 0x1234, 0x22);
    expect(read(h)).toBe('ffff');
    h = withCsum(0x1234);
    h.r0(H.l4, h.ctx, udpCsum, 0, 0x1234, 0x02);
    expect(read(h)).toBe('0000');
  });
});

describe('csum_diff (4.8: the unfolded 32-bit csum_partial)', () => {
  const cases: [string, number[], number[], number, bigint][] = [
    ['pushing a word', [], [1, 2, 3, 4], 0, 0x04030201n],
    ['identical buffers fold to 0xffff', [1, 2, 3, 4], [1, 2, 3, 4], 0, 0xffffffffn],
    ['with a seed', [], [0, 0, 0, 0], 0x1234, 0x1234n],
    ['carry wraps around', [], [0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0], 0, 2n],
  ];
  it.each(cases)('%s', (_, from, to, seed, want) => {
    const h = harness(TC, { data: ipv4Udp() });
    const f = from.length ? h.put(64, from) : h.fp - 64n;
    const t = h.put(32, to);
    expect(h.r0(H.csumDiff, f, from.length, t, to.length, seed)).toBe(want);
  });
  it.each([
    ['sizes not multiples of 4', 2, 4],
    ['more than 512 bytes together', 256, 260],
  ])('-EINVAL for %s', (_, fs, ts) => {
    const h = harness(TC, { data: ipv4Udp() });
    expect(h.r0(H.csumDiff, h.fp - 512n, fs, h.fp - 256n, ts, 0)).toBe(neg(Errno.EINVAL));
  });
});

describe('skb_vlan_push / skb_vlan_pop (4.8, VLAN_TAG_PRESENT in bit 12)', () => {
  const vlan = (h: ReturnType<typeof harness>) => [field(h, SkbCtx.vlan_present), field(h, SkbCtx.vlan_tci), field(h, SkbCtx.vlan_proto)];
  it('a push without a tag sets only the metadata tag', () => {
    const data = ipv4Udp();
    const h = harness(TC, { data });
    expect(h.r0(H.vlanPush, h.ctx, 0x0081, 0x1005)).toBe(0n);
    expect(vlan(h)).toEqual([1n, 0x0005n, 0x0081n]);
    expect(packetNow(h)).toBe(hex(data));
  });
  it('802.1AD is kept, anything else becomes 802.1Q', () => {
    let h = harness(TC, { data: ipv4Udp() });
    h.r0(H.vlanPush, h.ctx, 0xa888, 7);
    expect(vlan(h)[2]).toBe(0xa888n);
    h = harness(TC, { data: ipv4Udp() });
    h.r0(H.vlanPush, h.ctx, 0x3412, 7);
    expect(vlan(h)[2]).toBe(0x0081n);
  });
  it('a second push moves the first tag into the frame, losing its bit 12', () => {
    const data = ipv4Udp();
    const h = harness(TC, { data });
    h.r0(H.vlanPush, h.ctx, 0x0081, 0x1005);
    h.r0(H.vlanPush, h.ctx, 0xa888, 0x0009);
    const out = packetNow(h);
    expect(out.slice(24, 32)).toBe('81000005');
    expect(out.slice(32)).toBe(hex(data).slice(24));
    expect(field(h, SkbCtx.len)).toBe(BigInt(data.length + 4));
    expect(field(h, SkbCtx.protocol)).toBe(0x0081n);
    expect(vlan(h)).toEqual([1n, 9n, 0xa888n]);
  });
  it('pop clears the metadata tag and 4.8 leaves vlan_proto', () => {
    const h = harness(TC, { data: ipv4Udp() });
    h.r0(H.vlanPush, h.ctx, 0xa888, 3);
    expect(h.r0(H.vlanPop, h.ctx)).toBe(0n);
    expect(vlan(h)).toEqual([0n, 0n, 0xa888n]);
  });
  it('pop of a tagged frame removes the tag; QinQ leaves the inner tag as metadata', () => {
    let h = harness(TC, { data: ipv4Udp(8, { vlan: [0x0064] }) });
    h.r0(H.vlanPop, h.ctx);
    expect(packetNow(h)).toBe(hex(ipv4Udp(8)));
    expect(field(h, SkbCtx.protocol)).toBe(0x0008n);
    h = harness(TC, { data: ipv4Udp(8, { vlan: [0x0064, 0x00c8] }) });
    h.r0(H.vlanPop, h.ctx);
    expect(packetNow(h)).toBe(hex(ipv4Udp(8)));
    expect(vlan(h)).toEqual([1n, 0xc8n, 0x0081n]);
  });
  it('pop of a VLAN frame shorter than 18 bytes does nothing and returns 0', () => {
    const data = frame(16, 0x8100);
    const h = harness(TC, { data });
    expect(h.r0(H.vlanPop, h.ctx)).toBe(0n);
    expect(packetNow(h)).toBe(hex(data));
  });
  it('steps back exactly', () => {
    const data = ipv4Udp(8, { vlan: [0x64] });
    const h = harness(TC, { data });
    const j = new Journal();
    h.k.mem.journal = j;
    h.r0(H.vlanPop, h.ctx);
    h.r0(H.vlanPush, h.ctx, 0x0081, 1);
    h.r0(H.vlanPush, h.ctx, 0x0081, 2);
    j.rewindTo(0);
    expect(packetNow(h)).toBe(hex(data));
    expect(vlan(h)).toEqual([0n, 0n, 0n]);
  });
});

describe('skb_change_proto', () => {
  it('IPv4 to IPv6 inserts 20 zero bytes after the MAC header, keeps the ethertype, clears the hash', () => {
    const data = ipv4Udp();
    const h = harness(TC, { data });
    h.r0(H.hashRecalc, h.ctx);
    expect(h.r0(H.changeProto, h.ctx, 0xdd86, 0)).toBe(0n);
    const out = packetNow(h);
    expect(out).toBe(hex(data).slice(0, 28) + '00'.repeat(20) + hex(data).slice(28));
    expect([field(h, SkbCtx.protocol), field(h, SkbCtx.hash), field(h, SkbCtx.len)]).toEqual([0xdd86n, 0n, BigInt(data.length + 20)]);
  });
  it('IPv6 to IPv4 removes 20 bytes', () => {
    const data = ipv6Udp();
    const h = harness(TC, { data });
    expect(h.r0(H.changeProto, h.ctx, 0x0008, 0)).toBe(0n);
    expect(packetNow(h)).toBe(hex(data).slice(0, 28) + hex(data).slice(68));
    expect(field(h, SkbCtx.protocol)).toBe(0x0008n);
  });
  it('IPv6 to IPv4 of fewer than 34 bytes is -ENOMEM', () => {
    const h = harness(TC, { data: frame(30) });
    h.run.skb!.f.protocol = 0x86dd;
    expect(h.r0(H.changeProto, h.ctx, 0x0008, 0)).toBe(neg(Errno.ENOMEM));
  });
  it.each([
    ['flags', ipv4Udp(), 0xdd86, 1, Errno.EINVAL],
    ['IPv4 to IPv4', ipv4Udp(), 0x0008, 0, Errno.ENOTSUPP],
    ['a VLAN frame', ipv4Udp(8, { vlan: [1] }), 0xdd86, 0, Errno.ENOTSUPP],
  ])('refuses %s', (_, data, proto, flags, errno) => {
    const h = harness(TC, { data });
    expect(h.r0(H.changeProto, h.ctx, proto, flags)).toBe(neg(errno));
    expect(packetNow(h)).toBe(hex(data));
  });
});

describe('skb_change_type', () => {
  it.each([
    ['to PACKET_HOST', 3, 0, 0n, 0n],
    ['to PACKET_OTHERHOST', 3, 3, 0n, 3n],
    ['to 4', 3, 4, neg(Errno.EINVAL), 3n],
    ['from a type above 3', 5, 0, neg(Errno.EINVAL), 5n],
  ])('%s', (_, cur, to, rc, after) => {
    const h = harness(TC, { data: ipv4Udp() });
    h.run.skb!.f.pktType = cur;
    expect(h.r0(H.changeType, h.ctx, to)).toBe(rc);
    expect(field(h, SkbCtx.pkt_type)).toBe(after);
  });
});

describe('get_hash_recalc', () => {
  it('computes a non-zero hash once, stores it, and is the same for both directions of a flow', () => {
    const h = harness(TC, { data: ipv4Udp(8) });
    const a = h.r0(H.hashRecalc, h.ctx);
    expect(a).not.toBe(0n);
    expect(h.r0(H.hashRecalc, h.ctx)).toBe(a);
    expect(field(h, SkbCtx.hash)).toBe(a);
    const back = harness(TC, { data: ipv4Udp(8, { src: [10, 0, 0, 2], dst: [10, 0, 0, 1], sport: 53, dport: 1234 }) });
    expect(back.r0(H.hashRecalc, back.ctx)).toBe(a);
    const other = harness(TC, { data: ipv4Udp(8, { dport: 54 }) });
    expect(other.r0(H.hashRecalc, other.ctx)).not.toBe(a);
  });
});
