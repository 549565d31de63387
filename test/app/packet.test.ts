import { describe, expect, test } from 'vitest';
import { decodeFrame, fieldAtByte, ipv6Text } from '../../app/lib/packet';
import { DEFAULT_SPEC, TEMPLATES, buildFrame, inetChecksum, type FrameSpec } from '../../app/lib/templates';

const frame = (spec: Partial<FrameSpec>): Uint8Array => {
  const f = buildFrame({ ...DEFAULT_SPEC, ...spec });
  if (typeof f === 'string') throw new Error(f);
  return f;
};
const layersOf = (b: Uint8Array): string[] => decodeFrame(b).map((l) => l.name);
const field = (b: Uint8Array, layer: string, name: string): string | undefined =>
  decodeFrame(b).find((l) => l.name === layer)?.fields.find((f) => f.name === name)?.text;

describe('packet templates decode to the headers they build', () => {
  test.each([
    ['tcp4', ['Ethernet', 'IPv4', 'TCP']],
    ['udp4', ['Ethernet', 'IPv4', 'UDP']],
    ['icmp4', ['Ethernet', 'IPv4', 'ICMP']],
    ['tcp6', ['Ethernet', 'IPv6', 'TCP']],
    ['udp6', ['Ethernet', 'IPv6', 'UDP']],
    ['icmp6', ['Ethernet', 'IPv6', 'ICMPv6']],
    ['vlan-udp4', ['Ethernet', 'VLAN', 'IPv4', 'UDP']],
    ['arp', ['Ethernet', 'ARP']],
  ] as const)('%s', (template, want) => {
    expect(layersOf(frame({ template }))).toEqual(want);
  });

  test('every template in the menu builds', () => {
    for (const t of TEMPLATES) expect(typeof buildFrame({ ...DEFAULT_SPEC, template: t.name })).not.toBe('string');
  });
});

describe('checksums verify as a receiver checks them', () => {
  test('IPv4 header and TCP over the pseudo header sum to zero', () => {
    const b = frame({ template: 'tcp4', payload: 'hello' });
    expect(inetChecksum(b.subarray(14, 34))).toBe(0);
    const seg = b.subarray(34);
    const pseudo = [...b.subarray(26, 34), 0, 6, seg.length >> 8, seg.length & 0xff];
    expect(inetChecksum([...pseudo, ...seg])).toBe(0);
  });
  test('UDP over IPv6 sums to zero', () => {
    const b = frame({ template: 'udp6', payload: 'abc' });
    const seg = b.subarray(54);
    const pseudo = [...b.subarray(22, 54), 0, 0, seg.length >> 8, seg.length & 0xff, 0, 0, 0, 17];
    expect(inetChecksum([...pseudo, ...seg])).toBe(0);
  });
  test('ICMP sums to zero on its own', () => {
    const b = frame({ template: 'icmp4' });
    expect(inetChecksum(b.subarray(34))).toBe(0);
  });
});

describe('fields read as people write them', () => {
  const b = frame({ template: 'tcp4', srcIp: '192.168.1.7', dstPort: 443 });
  test.each([
    ['Ethernet', 'ethertype', '0x0800 (IPv4)'],
    ['IPv4', 'source', '192.168.1.7'],
    ['IPv4', 'protocol', '6 (TCP)'],
    ['TCP', 'destination port', '443'],
    ['TCP', 'flags', '0x02 (SYN)'],
  ])('%s %s', (layer, name, want) => expect(field(b, layer, name)).toBe(want));

  test('VLAN id', () => expect(field(frame({ template: 'vlan-udp4', vlanId: 42 }), 'VLAN', 'VLAN id')).toBe('42'));
  test('IPv6 addresses are compressed', () => {
    expect(ipv6Text(new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 0)).toBe('2001:db8::1');
    expect(field(frame({ template: 'tcp6' }), 'IPv6', 'destination')).toBe('2001:db8::2');
  });
  test('a byte maps to its field', () => {
    expect(fieldAtByte(decodeFrame(b), 23)?.field?.name).toBe('protocol');
    expect(fieldAtByte(decodeFrame(b), 36)?.layer.name).toBe('TCP');
  });
  test('a truncated frame decodes as far as it goes', () => {
    const layers = decodeFrame(b.subarray(0, 30));
    expect(layers.map((l) => l.name)).toEqual(['Ethernet', 'IPv4']);
    expect(layers[1].truncated).toBe(true);
  });
  test('bad addresses are refused with a sentence', () => {
    expect(buildFrame({ ...DEFAULT_SPEC, srcIp: '10.0.0.300' })).toMatch(/IPv4/);
    expect(buildFrame({ ...DEFAULT_SPEC, dstMac: 'zz' })).toMatch(/MAC/);
  });
});
