/**
 * The packet builder: frames from a few fields, with correct IPv4 header checksums and TCP, UDP
 * and ICMP checksums, so a program that checks them sees what a real stack would send.
 */

export type TemplateName = 'tcp4' | 'udp4' | 'icmp4' | 'tcp6' | 'udp6' | 'icmp6' | 'vlan-udp4' | 'arp';

export const TEMPLATES: { name: TemplateName; label: string }[] = [
  { name: 'tcp4', label: 'IPv4 / TCP SYN' },
  { name: 'udp4', label: 'IPv4 / UDP (DNS)' },
  { name: 'icmp4', label: 'IPv4 / ICMP echo' },
  { name: 'tcp6', label: 'IPv6 / TCP SYN' },
  { name: 'udp6', label: 'IPv6 / UDP' },
  { name: 'icmp6', label: 'IPv6 / ICMPv6 echo' },
  { name: 'vlan-udp4', label: '802.1Q VLAN / IPv4 / UDP' },
  { name: 'arp', label: 'ARP request' },
];

export interface FrameSpec {
  template: TemplateName;
  srcMac: string;
  dstMac: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  vlanId: number;
  ttl: number;
  /** payload text (UTF-8) */
  payload: string;
}

export const DEFAULT_SPEC: FrameSpec = {
  template: 'tcp4',
  srcMac: '02:00:00:00:00:01',
  dstMac: '02:00:00:00:00:02',
  srcIp: '',
  dstIp: '',
  srcPort: 40000,
  dstPort: 80,
  vlanId: 100,
  ttl: 64,
  payload: '',
};

const is6 = (t: TemplateName): boolean => t.endsWith('6');
/** The addresses a template uses when the spec leaves them empty. */
export const defaultIps = (t: TemplateName): [string, string] =>
  is6(t) ? ['2001:db8::1', '2001:db8::2'] : ['10.0.0.1', '10.0.0.2'];

function macBytes(s: string): number[] | string {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{1,2}$/i.test(p))) return `not a MAC address: ${s}`;
  return parts.map((p) => parseInt(p, 16));
}

function ip4Bytes(s: string): number[] | string {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return `not an IPv4 address: ${s}`;
  return parts.map(Number);
}

function ip6Bytes(s: string): number[] | string {
  const halves = s.split('::');
  if (halves.length > 2) return `not an IPv6 address: ${s}`;
  const groups = (h: string): number[] | null => {
    if (!h) return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-f]{1,4}$/i.test(x)) ? g.map((x) => parseInt(x, 16)) : null;
  };
  const a = groups(halves[0]);
  const b = halves.length === 2 ? groups(halves[1]) : [];
  if (!a || !b) return `not an IPv6 address: ${s}`;
  const fill = 8 - a.length - b.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return `not an IPv6 address: ${s}`;
  return [...a, ...new Array(fill).fill(0), ...b].flatMap((g) => [g >> 8, g & 0xff]);
}

const be16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];

/** The Internet checksum (RFC 1071) of bytes. */
export function inetChecksum(bytes: readonly number[] | Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function l4(proto: number, spec: FrameSpec, data: number[]): number[] {
  if (proto === 6) return [...be16(spec.srcPort), ...be16(spec.dstPort), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, ...data];
  if (proto === 17) return [...be16(spec.srcPort), ...be16(spec.dstPort), ...be16(8 + data.length), 0, 0, ...data];
  const type = proto === 1 ? 8 : 128;
  return [type, 0, 0, 0, 0x12, 0x34, 0, 1, ...data];
}

const CSUM_AT: Record<number, number> = { 6: 16, 17: 6, 1: 2, 58: 2 };

/** Builds the frame, or an error sentence naming the bad field. */
export function buildFrame(spec: FrameSpec): Uint8Array | string {
  const src = macBytes(spec.srcMac);
  const dst = macBytes(spec.dstMac);
  if (typeof src === 'string') return src;
  if (typeof dst === 'string') return dst;
  const t = spec.template;
  const [ds, dd] = defaultIps(t);
  const data = Array.from(new TextEncoder().encode(spec.payload));
  if (t === 'arp') {
    const sip = ip4Bytes(spec.srcIp || '10.0.0.1');
    const tip = ip4Bytes(spec.dstIp || '10.0.0.2');
    if (typeof sip === 'string') return sip;
    if (typeof tip === 'string') return tip;
    return new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...src, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1, ...src, ...sip, 0, 0, 0, 0, 0, 0, ...tip]);
  }
  const proto = t.startsWith('tcp') ? 6 : t.includes('udp') ? 17 : t === 'icmp4' ? 1 : 58;
  const seg = l4(proto, spec, data);
  let eth = [...dst, ...src];
  if (t === 'vlan-udp4') eth = [...eth, 0x81, 0x00, ...be16(spec.vlanId & 0xfff)];
  if (is6(t)) {
    const s = ip6Bytes(spec.srcIp || ds);
    const d = ip6Bytes(spec.dstIp || dd);
    if (typeof s === 'string') return s;
    if (typeof d === 'string') return d;
    const pseudo = [...s, ...d, 0, 0, ...be16(seg.length), 0, 0, 0, proto];
    const c = inetChecksum([...pseudo, ...seg]);
    seg.splice(CSUM_AT[proto], 2, ...be16(c));
    const hdr = [0x60, 0, 0, 0, ...be16(seg.length), proto, spec.ttl & 0xff, ...s, ...d];
    return new Uint8Array([...eth, 0x86, 0xdd, ...hdr, ...seg]);
  }
  const s = ip4Bytes(spec.srcIp || ds);
  const d = ip4Bytes(spec.dstIp || dd);
  if (typeof s === 'string') return s;
  if (typeof d === 'string') return d;
  if (proto === 1) seg.splice(2, 2, ...be16(inetChecksum(seg)));
  else seg.splice(CSUM_AT[proto], 2, ...be16(inetChecksum([...s, ...d, 0, proto, ...be16(seg.length), ...seg])));
  const hdr = [0x45, 0, ...be16(20 + seg.length), 0, 1, 0x40, 0, spec.ttl & 0xff, proto, 0, 0, ...s, ...d];
  hdr.splice(10, 2, ...be16(inetChecksum(hdr)));
  return new Uint8Array([...eth, 0x08, 0x00, ...hdr, ...seg]);
}
