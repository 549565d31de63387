/**
 * The packet builder: frames from a few fields as the user types them (addresses as text, read
 * with errors that name the field), built by the lessons' frame builders (src/lessons/frames.ts),
 * which get the IPv4 header and TCP, UDP and ICMP checksums right.
 */
import { arpRequest, ipv4Bytes, ipv6Bytes, type TransportSpec } from '../../src/lessons/frames';

export { inetChecksum } from '../../src/lessons/frames';

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

const PROTO: Record<TemplateName, TransportSpec['proto']> = {
  tcp4: 'tcp', udp4: 'udp', icmp4: 'icmp', tcp6: 'tcp', udp6: 'udp', icmp6: 'icmp', 'vlan-udp4': 'udp', arp: 'udp',
};

/** Builds the frame, or an error sentence naming the bad field. */
export function buildFrame(spec: FrameSpec): Uint8Array | string {
  const src = macBytes(spec.srcMac);
  const dst = macBytes(spec.dstMac);
  if (typeof src === 'string') return src;
  if (typeof dst === 'string') return dst;
  const t = spec.template;
  const [ds, dd] = defaultIps(t);
  if (t === 'arp') {
    const sip = ip4Bytes(spec.srcIp || '10.0.0.1');
    const tip = ip4Bytes(spec.dstIp || '10.0.0.2');
    if (typeof sip === 'string') return sip;
    if (typeof tip === 'string') return tip;
    return new Uint8Array(arpRequest(src, sip, tip));
  }
  // the echo requests' identifier is 0x1234, the IPv4 identification 1
  const common = {
    src,
    dst,
    proto: PROTO[t],
    sport: spec.srcPort,
    dport: spec.dstPort,
    payload: Array.from(new TextEncoder().encode(spec.payload)),
    echoId: 0x1234,
    ...(t === 'vlan-udp4' ? { vlan: spec.vlanId & 0xfff } : {}),
  };
  const parse = is6(t) ? ip6Bytes : ip4Bytes;
  const saddr = parse(spec.srcIp || ds);
  const daddr = parse(spec.dstIp || dd);
  if (typeof saddr === 'string') return saddr;
  if (typeof daddr === 'string') return daddr;
  const frame = is6(t)
    ? ipv6Bytes({ ...common, saddr, daddr, hopLimit: spec.ttl & 0xff })
    : ipv4Bytes({ ...common, saddr, daddr, ttl: spec.ttl & 0xff, id: 1 });
  return new Uint8Array(frame);
}
