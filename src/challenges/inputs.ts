/**
 * The hidden inputs of the challenges: frames built field by field (IPv4 with any TCP flags, TTL
 * and payload, IPv6, ARP, bare Ethernet), the registers of a kprobe, a tracepoint's fields. Each
 * has a short description, which a failed goal names instead of showing the bytes.
 */
import { bytesToHex } from '../isa';
import { ptRegs } from '../lessons/define';
import { ethernet, inetChecksum, ip4, ipv4Bytes, type Ipv4Spec } from '../lessons/frames';

/** One run's input, and how a failed goal describes it. */
export interface HiddenInput {
  about: string;
  /** a whole frame, hex */
  packet?: string;
  /** ctx_in or a kprobe's pt_regs, hex */
  ctx?: string;
  tracepoint?: { name: string; fields: Record<string, number | string> };
}

const TCP_FLAGS = { syn: 0x02, ack: 0x10, synack: 0x12, psh: 0x18 } as const;

/** An IPv4 frame; TCP gets `flags` (SYN by default) with its checksum fixed. */
export function ipv4(about: string, s: Ipv4Spec & { flags?: keyof typeof TCP_FLAGS }): HiddenInput {
  const f = ipv4Bytes(s);
  if (s.proto === 'tcp' && s.flags && s.flags !== 'syn') {
    f[47] = TCP_FLAGS[s.flags];
    f.splice(50, 2, 0, 0);
    const seg = f.slice(34);
    const addr = (a: Ipv4Spec['saddr']): number[] => (typeof a === 'string' ? ip4(a) : [...a]);
    const sum = inetChecksum([...addr(s.saddr), ...addr(s.daddr), 0, 6, seg.length >> 8, seg.length & 0xff, ...seg]);
    f.splice(50, 2, sum >> 8, sum & 0xff);
  }
  return { about, packet: bytesToHex(Uint8Array.from(f)) };
}

/** An IPv6 frame carrying a UDP datagram (62 bytes). */
export function ipv6(about: string): HiddenInput {
  const addr = (last: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), last];
  const udp = [0xc3, 0x50, 0x00, 0x35, 0, 8, 0, 0];
  const hdr = [0x60, 0, 0, 0, 0, udp.length, 17, 64, ...addr(1), ...addr(2)];
  return { about, packet: bytesToHex(Uint8Array.from(ethernet({}, 0x86dd, [...hdr, ...udp]))) };
}

/** An ARP request (42 bytes). */
export function arp(about: string): HiddenInput {
  const body = [0, 1, 8, 0, 6, 4, 0, 1, 0x52, 0x54, 0, 0xab, 0xcd, 0xef, ...ip4('10.0.0.1'), 0, 0, 0, 0, 0, 0, ...ip4('10.0.0.2')];
  return { about, packet: bytesToHex(Uint8Array.from(ethernet({ dst: 'ff:ff:ff:ff:ff:ff' }, 0x0806, body))) };
}

/** A frame of `n` bytes with an EtherType that asks for no header (IEEE local experimental). */
export function bare(about: string, n: number): HiddenInput {
  return { about, packet: bytesToHex(Uint8Array.from(ethernet({}, 0x88b5, new Array(Math.max(0, n - 14)).fill(0x5a)))) };
}

/** A kprobe's registers. */
export const regs = (about: string, values: Record<string, bigint>): HiddenInput => ({ about, ctx: ptRegs(values) });

/** A tracepoint's record from field values (the others as the world gives them). */
export const record = (about: string, name: string, fields: Record<string, number | string>): HiddenInput => ({ about, tracepoint: { name, fields } });
