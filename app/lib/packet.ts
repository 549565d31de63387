/**
 * Decodes an Ethernet frame into its headers (Ethernet, 802.1Q/802.1AD VLAN tags, IPv4, IPv6,
 * TCP, UDP, ICMP, ICMPv6), each field with its byte range, so the packet view can name the bytes
 * it shows. Truncated headers decode as far as they go and say so; nothing throws.
 */
import { bytesHex, readBE } from './format';

interface PacketField {
  name: string;
  /** offset in the frame */
  offset: number;
  size: number;
  /** the value as a reader wants it (dotted IPv4, MAC, names for known numbers) */
  text: string;
}

export interface PacketLayer {
  name: 'Ethernet' | 'VLAN' | 'IPv4' | 'IPv6' | 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6' | 'ARP' | 'Payload';
  offset: number;
  /** header length in bytes (payload: the rest) */
  length: number;
  fields: PacketField[];
  /** set when the frame ended inside this header */
  truncated?: boolean;
}

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x86dd: 'IPv6',
  0x0806: 'ARP',
  0x8100: '802.1Q',
  0x88a8: '802.1AD',
};

const IP_PROTO_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 47: 'GRE', 132: 'SCTP' };

const hex = (n: number, digits: number): string => '0x' + n.toString(16).padStart(digits, '0');
const mac = (b: Uint8Array, o: number): string => bytesHex(b.subarray(o, o + 6), ':');
const ipv4 = (b: Uint8Array, o: number): string => Array.from(b.subarray(o, o + 4)).join('.');

/** IPv6 text with the longest run of zero groups compressed (RFC 5952). */
export function ipv6Text(b: Uint8Array, o: number): string {
  const groups = Array.from({ length: 8 }, (_, i) => readBE(b, o + 2 * i, 2));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const txt = groups.map((g) => g.toString(16));
  if (best < 0) return txt.join(':');
  return `${txt.slice(0, best).join(':')}::${txt.slice(best + bestLen).join(':')}`;
}

type Fmt = (b: Uint8Array, o: number) => string;
const num =
  (size: number, names?: Record<number, string>): Fmt =>
  (b, o) => {
    const v = readBE(b, o, size);
    return names?.[v] ? `${v} (${names[v]})` : String(v);
  };
const hexf =
  (size: number, names?: Record<number, string>): Fmt =>
  (b, o) => {
    const v = readBE(b, o, size);
    return names?.[v] ? `${hex(v, size * 2)} (${names[v]})` : hex(v, size * 2);
  };

/** Fields of a header as [name, offset within the header, size, formatter]. */
type Spec = [string, number, number, Fmt][];

function layer(name: PacketLayer['name'], b: Uint8Array, offset: number, length: number, spec: Spec): PacketLayer {
  const fields: PacketField[] = [];
  for (const [fname, o, size, fmt] of spec) {
    if (offset + o + size > b.length) break;
    fields.push({ name: fname, offset: offset + o, size, text: fmt(b, offset + o) });
  }
  const l: PacketLayer = { name, offset, length: Math.min(length, Math.max(0, b.length - offset)), fields };
  if (offset + length > b.length) l.truncated = true;
  return l;
}

const tcpFlags: Fmt = (b, o) => {
  const f = b[o];
  const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'].filter((_, i) => f & (1 << i));
  return `${hex(f, 2)}${names.length ? ` (${names.join(' ')})` : ''}`;
};

function transport(b: Uint8Array, proto: number, off: number, out: PacketLayer[]): void {
  if (off >= b.length) return;
  if (proto === 6) {
    const doff = ((b[off + 12] ?? 0x50) >> 4) * 4;
    out.push(layer('TCP', b, off, Math.max(20, doff), [
      ['source port', 0, 2, num(2)], ['destination port', 2, 2, num(2)], ['sequence', 4, 4, num(4)],
      ['acknowledgment', 8, 4, num(4)], ['data offset', 12, 1, (x, o) => `${(x[o] >> 4) * 4} bytes`],
      ['flags', 13, 1, tcpFlags], ['window', 14, 2, num(2)], ['checksum', 16, 2, hexf(2)], ['urgent pointer', 18, 2, num(2)],
    ]));
    payload(b, off + Math.max(20, doff), out);
  } else if (proto === 17) {
    out.push(layer('UDP', b, off, 8, [
      ['source port', 0, 2, num(2)], ['destination port', 2, 2, num(2)], ['length', 4, 2, num(2)], ['checksum', 6, 2, hexf(2)],
    ]));
    payload(b, off + 8, out);
  } else if (proto === 1 || proto === 58) {
    const types: Record<number, string> = proto === 1 ? { 0: 'echo reply', 3: 'unreachable', 8: 'echo request', 11: 'time exceeded' } : { 128: 'echo request', 129: 'echo reply', 135: 'neighbor solicitation', 136: 'neighbor advertisement' };
    out.push(layer(proto === 1 ? 'ICMP' : 'ICMPv6', b, off, 8, [
      ['type', 0, 1, num(1, types)], ['code', 1, 1, num(1)], ['checksum', 2, 2, hexf(2)], ['identifier', 4, 2, num(2)], ['sequence', 6, 2, num(2)],
    ]));
    payload(b, off + 8, out);
  } else payload(b, off, out);
}

function payload(b: Uint8Array, off: number, out: PacketLayer[]): void {
  if (off < b.length) out.push({ name: 'Payload', offset: off, length: b.length - off, fields: [] });
}

function ip(b: Uint8Array, off: number, ethertype: number, out: PacketLayer[]): void {
  if (ethertype === 0x0800) {
    const ihl = ((b[off] ?? 0x45) & 0xf) * 4;
    out.push(layer('IPv4', b, off, Math.max(20, ihl), [
      ['version', 0, 1, (x, o) => String(x[o] >> 4)], ['header length', 0, 1, (x, o) => `${(x[o] & 0xf) * 4} bytes`],
      ['tos', 1, 1, hexf(1)], ['total length', 2, 2, num(2)], ['id', 4, 2, hexf(2)], ['flags/fragment', 6, 2, hexf(2)],
      ['ttl', 8, 1, num(1)], ['protocol', 9, 1, num(1, IP_PROTO_NAMES)], ['checksum', 10, 2, hexf(2)],
      ['source', 12, 4, ipv4], ['destination', 16, 4, ipv4],
    ]));
    if (off + 20 <= b.length) transport(b, b[off + 9], off + Math.max(20, ihl), out);
  } else if (ethertype === 0x86dd) {
    out.push(layer('IPv6', b, off, 40, [
      ['version/class/flow', 0, 4, hexf(4)], ['payload length', 4, 2, num(2)], ['next header', 6, 1, num(1, IP_PROTO_NAMES)],
      ['hop limit', 7, 1, num(1)], ['source', 8, 16, ipv6Text], ['destination', 24, 16, ipv6Text],
    ]));
    if (off + 40 <= b.length) transport(b, b[off + 6], off + 40, out);
  } else if (ethertype === 0x0806) {
    out.push(layer('ARP', b, off, 28, [
      ['hardware type', 0, 2, num(2)], ['protocol type', 2, 2, hexf(2)], ['operation', 6, 2, num(2, { 1: 'request', 2: 'reply' })],
      ['sender MAC', 8, 6, mac], ['sender IP', 14, 4, ipv4], ['target MAC', 18, 6, mac], ['target IP', 24, 4, ipv4],
    ]));
  } else payload(b, off, out);
}

/** The headers of an Ethernet frame, outermost first. */
export function decodeFrame(b: Uint8Array): PacketLayer[] {
  const out: PacketLayer[] = [];
  out.push(layer('Ethernet', b, 0, 14, [
    ['destination', 0, 6, mac], ['source', 6, 6, mac], ['ethertype', 12, 2, hexf(2, ETHERTYPE_NAMES)],
  ]));
  if (b.length < 14) return out;
  let off = 12;
  let type = readBE(b, 12, 2);
  while ((type === 0x8100 || type === 0x88a8) && off + 6 <= b.length) {
    out.push(layer('VLAN', b, off + 2, 4, [
      ['priority', 0, 1, (x, o) => String(x[o] >> 5)], ['VLAN id', 0, 2, (x, o) => String(readBE(x, o, 2) & 0xfff)],
      ['ethertype', 2, 2, hexf(2, ETHERTYPE_NAMES)],
    ]));
    off += 4;
    type = readBE(b, off, 2);
  }
  ip(b, off + 2, type, out);
  return out;
}

/** The innermost named field covering byte `offset`, with its layer. */
export function fieldAtByte(layers: readonly PacketLayer[], offset: number): { layer: PacketLayer; field?: PacketField } | undefined {
  let hit: { layer: PacketLayer; field?: PacketField } | undefined;
  for (const l of layers) {
    if (offset < l.offset || offset >= l.offset + l.length) continue;
    hit = { layer: l, field: l.fields.find((f) => offset >= f.offset && offset < f.offset + f.size) };
  }
  return hit;
}
