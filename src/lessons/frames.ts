/**
 * Frames built field by field, for the lessons and for the IDE's packet builder (app/lib/
 * templates.ts), so that a reader can see what is in them and so that their IPv4 header and
 * TCP, UDP, ICMP and ICMPv6 checksums are right (the checksum lessons rewrite addresses and must
 * leave a packet whose checksums still verify; a program that checks them sees what a real stack
 * would send). Also the packets the lessons run on. Output is bytes in wire order, or hex as a
 * request's `run.data` carries it. Non-goal: a packet library.
 */
import { bytesToHex } from '../isa';

/** An IPv4 address as its four bytes. */
export const ip4 = (s: string): number[] => s.split('.').map((x) => Number(x) & 0xff);

/** A MAC address as its six bytes. */
const mac = (s: string): number[] => s.split(':').map((x) => parseInt(x, 16) & 0xff);

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];

/** The Internet checksum (RFC 1071) of `bytes`, as a number to store big-endian. */
export function inetChecksum(bytes: readonly number[] | Uint8Array, seed = 0): number {
  let sum = seed;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export const fromHex = (s: string): number[] => Array.from({ length: s.length >> 1 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));

/** An address as text ("10.0.0.1", "52:54:00:12:34:56") or as its bytes. */
type Addr = string | readonly number[];

interface FrameSpec {
  /** MAC addresses (defaults 52:54:00:ab:cd:ef from 52:54:00:12:34:56) */
  src?: Addr;
  dst?: Addr;
  /** an 802.1Q tag (TCI) between the MAC addresses and the ethertype */
  vlan?: number;
}

/** A TCP SYN, a UDP datagram or an ICMP/ICMPv6 echo request, from and to ports of its addresses. */
export interface TransportSpec {
  proto: 'tcp' | 'udp' | 'icmp';
  sport?: number;
  dport?: number;
  payload?: readonly number[];
  /** an echo request's identifier (default 1; its sequence number is 1) */
  echoId?: number;
}

export interface Ipv4Spec extends FrameSpec, TransportSpec {
  saddr: Addr;
  daddr: Addr;
  ttl?: number;
  /** the IPv4 header's identification (default 0x1234) */
  id?: number;
}

interface Ipv6Spec extends FrameSpec, TransportSpec {
  /** the 16 bytes of each address */
  saddr: readonly number[];
  daddr: readonly number[];
  hopLimit?: number;
}

const bytesOf = (a: Addr, parse: (s: string) => number[]): number[] => (typeof a === 'string' ? parse(a) : [...a]);

/** Ethernet header (with an optional VLAN tag) followed by `body`, with `ethertype`. */
export function ethernet(spec: FrameSpec, ethertype: number, body: readonly number[]): number[] {
  const head = [...bytesOf(spec.dst ?? '52:54:00:12:34:56', mac), ...bytesOf(spec.src ?? '52:54:00:ab:cd:ef', mac)];
  const tag = spec.vlan === undefined ? [] : [0x81, 0x00, ...be16(spec.vlan)];
  return [...head, ...tag, ...be16(ethertype), ...body];
}

const PROTO = { icmp: 1, tcp: 6, udp: 17 } as const;
const ICMPV6 = 58;

/**
 * The transport header and payload, its checksum filled in over `pseudo` (the pseudo-header
 * without the length, which is added here); ICMP over IPv4 has no pseudo-header (`pseudo` null).
 */
function transport(s: TransportSpec, pseudo: ((len: number) => number[]) | null, echoType: number): number[] {
  const payload = [...(s.payload ?? [])];
  const ports = [...be16(s.sport ?? 0), ...be16(s.dport ?? 0)];
  let seg: number[];
  let csumAt: number;
  if (s.proto === 'tcp') {
    // seq 1, ack 0, data offset 5 words, flags SYN, window 64240, checksum, urgent pointer
    seg = [...ports, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, ...be16(64240), 0, 0, 0, 0, ...payload];
    csumAt = 16;
  } else if (s.proto === 'udp') {
    seg = [...ports, ...be16(8 + payload.length), 0, 0, ...payload];
    csumAt = 6;
  } else {
    // echo request, sequence 1
    seg = [echoType, 0, 0, 0, ...be16(s.echoId ?? 1), 0, 1, ...payload];
    csumAt = 2;
  }
  seg.splice(csumAt, 2, ...be16(inetChecksum([...(pseudo ? pseudo(seg.length) : []), ...seg])));
  return seg;
}

/** An Ethernet + IPv4 + TCP/UDP/ICMP frame as bytes. */
export function ipv4Bytes(s: Ipv4Spec): number[] {
  const saddr = bytesOf(s.saddr, ip4);
  const daddr = bytesOf(s.daddr, ip4);
  const pseudo = s.proto === 'icmp' ? null : (len: number) => [...saddr, ...daddr, 0, PROTO[s.proto], ...be16(len)];
  const seg = transport(s, pseudo, 8);
  const ip = [0x45, 0, ...be16(20 + seg.length), ...be16(s.id ?? 0x1234), 0x40, 0, s.ttl ?? 64, PROTO[s.proto], 0, 0, ...saddr, ...daddr];
  ip.splice(10, 2, ...be16(inetChecksum(ip)));
  return ethernet(s, 0x0800, [...ip, ...seg]);
}

/** An Ethernet + IPv6 + TCP/UDP/ICMPv6 frame as bytes. */
export function ipv6Bytes(s: Ipv6Spec): number[] {
  const next = s.proto === 'icmp' ? ICMPV6 : PROTO[s.proto];
  const seg = transport(s, (len) => [...s.saddr, ...s.daddr, 0, 0, ...be16(len), 0, 0, 0, next], 128);
  const ip = [0x60, 0, 0, 0, ...be16(seg.length), next, s.hopLimit ?? 64, ...s.saddr, ...s.daddr];
  return ethernet(s, 0x86dd, [...ip, ...seg]);
}

/** A broadcast ARP request from `src` (MAC and IPv4) asking for `targetIp`. */
export function arpRequest(src: readonly number[], srcIp: readonly number[], targetIp: readonly number[]): number[] {
  const body = [0, 1, 8, 0, 6, 4, 0, 1, ...src, ...srcIp, 0, 0, 0, 0, 0, 0, ...targetIp];
  return ethernet({ src, dst: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] }, 0x0806, body);
}

/** The same, as hex. */
export const ipv4Frame = (s: Ipv4Spec): string => bytesToHex(ipv4Bytes(s));

/** Whether the IPv4 header checksum and the TCP/UDP checksum of an untagged frame verify. */
export function checksumsValid(frameHex: string): boolean {
  const f = fromHex(frameHex);
  const ip = f.slice(14, 14 + (f[14] & 0xf) * 4);
  if (inetChecksum(ip) !== 0) return false;
  const total = (f[16] << 8) | f[17];
  const seg = f.slice(14 + ip.length, 14 + total);
  if (f[23] !== 6 && f[23] !== 17) return true;
  const pseudo = [...f.slice(26, 34), 0, f[23], ...be16(seg.length)];
  return inetChecksum([...pseudo, ...seg]) === 0;
}

/** A TCP SYN from a client to a web server: the lessons' default packet (54 bytes). */
export const TCP_SYN = ipv4Frame({ proto: 'tcp', saddr: '10.0.0.1', daddr: '10.0.0.2', sport: 40000, dport: 80 });

/** A DNS query over UDP (a 12-byte payload). */
export const UDP_DNS = ipv4Frame({
  proto: 'udp', saddr: '10.0.0.1', daddr: '10.0.0.53', sport: 53000, dport: 53,
  payload: [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0],
});

/** A ping. */
export const ICMP_ECHO = ipv4Frame({ proto: 'icmp', saddr: '10.0.0.1', daddr: '10.0.0.2', payload: [0x61, 0x62, 0x63, 0x64] });

/** The TCP SYN carried in VLAN 100 (an 802.1Q tag in the frame). */
export const TCP_SYN_VLAN = ipv4Frame({ proto: 'tcp', saddr: '10.0.0.1', daddr: '10.0.0.2', sport: 40000, dport: 80, vlan: 100 });

/** The packets lessons run on, named as their try-next suggestions name them, for an input picker. */
export const SAMPLE_PACKETS: readonly { id: string; name: string; hex: string }[] = [
  { id: 'tcp-syn', name: 'the TCP packet (a SYN from 10.0.0.1:40000 to 10.0.0.2:80)', hex: TCP_SYN },
  { id: 'udp-dns', name: 'the DNS packet (UDP from 10.0.0.1:53000 to 10.0.0.53:53)', hex: UDP_DNS },
  { id: 'icmp-echo', name: 'the ping (ICMP echo request from 10.0.0.1 to 10.0.0.2)', hex: ICMP_ECHO },
  { id: 'tcp-syn-vlan', name: 'the VLAN-tagged packet (the TCP SYN in VLAN 100)', hex: TCP_SYN_VLAN },
];
