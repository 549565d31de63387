/**
 * What each goal of each challenge checks, against inputs the learner does not see. This module
 * is the engine's: the app imports the challenges' statements (src/lessons/challenges.ts) and
 * never this, so the packets and the expected results stay in the worker.
 */
import type { World } from '../kernel/types';
import { arp, bare, ipv4, ipv6, record, regs, type HiddenInput } from './inputs';

/** A map element as hex (key and value bytes in memory order). */
export interface HexEntry {
  key: string;
  value: string;
}

export type Check =
  /** the verifier accepts the program */
  | { kind: 'accepted' }
  /** for each input, on fresh maps, the low 32 bits of r0 */
  | { kind: 'retval'; cases: { input: HiddenInput; retval: number | ((input: HiddenInput) => number) }[] }
  /** after running `inputs` one after another, the map holds exactly `entries` (arrays: the non-zero ones) */
  | { kind: 'map'; map: string; inputs: HiddenInput[]; entries: HexEntry[] }
  /** after one run, trace_pipe has a line containing the text */
  | { kind: 'trace'; input: HiddenInput; contains: (w: World) => string }
  /** for each input, the packet after the run */
  | { kind: 'packet'; cases: { input: HiddenInput; dataOut: (packet: string) => string }[] }
  /** for each input, r0 is TC_ACT_REDIRECT towards `ifindex` (egress) */
  | { kind: 'redirect'; cases: { input: HiddenInput; ifindex: number }[] };

const A = '10.0.0.1';
const B = '10.0.0.7';
const C = '192.168.1.9';
const u64 = (n: number): string => n.toString(16).padStart(2, '0') + '00000000000000';
const u32 = (n: number): string => Array.from({ length: 4 }, (_, i) => ((n >>> (8 * i)) & 0xff).toString(16).padStart(2, '0')).join('');

const tcp = (about: string, saddr: string, dport: number, flags: 'syn' | 'ack' | 'synack' | 'psh' = 'syn', extra: { sport?: number; ttl?: number; payload?: number[] } = {}) =>
  ipv4(about, { proto: 'tcp', saddr, daddr: '10.0.0.2', sport: extra.sport ?? 40000, dport, flags, ttl: extra.ttl, payload: extra.payload });
const udp = (about: string, saddr: string, dport: number, ttl?: number) => ipv4(about, { proto: 'udp', saddr, daddr: '10.0.0.53', sport: 53000, dport, ttl, payload: [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0] });
const icmp = (about: string, saddr = A, ttl?: number) => ipv4(about, { proto: 'icmp', saddr, daddr: '10.0.0.2', ttl, payload: [0x61, 0x62, 0x63, 0x64] });

const retval = (n: number, ...inputs: HiddenInput[]): Check => ({ kind: 'retval', cases: inputs.map((input) => ({ input, retval: n })) });
const ACCEPTED: Check = { kind: 'accepted' };

/** The sum of the first four bytes of the IPv4 header of a frame (hex). */
const headSum = (i: HiddenInput): number => [14, 15, 16, 17].reduce((s, at) => s + parseInt(i.packet!.slice(2 * at, 2 * at + 2), 16), 0);

/** A frame (hex) with its two MAC addresses swapped. */
const swapMacs = (hex: string): string => hex.slice(12, 24) + hex.slice(0, 12) + hex.slice(24);

const SYN_TRAFFIC = [
  tcp('a SYN from 10.0.0.1', A, 80),
  tcp('another SYN from 10.0.0.1', A, 443, 'syn', { sport: 40001 }),
  tcp('a SYN-ACK from 10.0.0.7', B, 40000, 'synack'),
  tcp('an ACK from 10.0.0.1', A, 80, 'ack'),
  tcp('a SYN from 192.168.1.9', C, 22),
  udp('a UDP datagram from 10.0.0.7', B, 53),
  tcp('a PSH-ACK from 192.168.1.9', C, 22, 'psh'),
];

export const CHECKS: Record<string, Record<string, Check>> = {
  'ipv4-only': {
    accepted: ACCEPTED,
    ipv4: retval(1, tcp('an IPv4 TCP SYN', A, 80), udp('an IPv4 DNS query', A, 53), icmp('an IPv4 ping')),
    other: retval(0, ipv6('an IPv6 UDP datagram'), arp('an ARP request')),
  },
  'ip-header-only': {
    accepted: ACCEPTED,
    ipv4: retval(20, tcp('an IPv4 TCP SYN', A, 80), udp('an IPv4 DNS query', A, 53)),
    other: retval(0, ipv6('an IPv6 UDP datagram'), arp('an ARP request')),
  },
  'tcp-port-80': {
    accepted: ACCEPTED,
    web: retval(1, tcp('a TCP SYN to port 80', A, 80), tcp('a TCP ACK to port 80', B, 80, 'ack')),
    other: retval(0, tcp('a TCP SYN to port 443', A, 443), udp('a UDP datagram to port 80', A, 80), icmp('a ping'), ipv6('an IPv6 UDP datagram')),
  },
  'drop-dns': {
    accepted: ACCEPTED,
    dns: retval(2, udp('a DNS query', A, 53), udp('a DNS query from another host', C, 53)),
    other: retval(0, tcp('a TCP SYN to port 53', A, 53), udp('an mDNS datagram (port 5353)', A, 5353), arp('an ARP request'), bare('a bare 14-byte Ethernet frame', 14)),
  },
  'xdp-ttl': {
    accepted: ACCEPTED,
    low: retval(1, icmp('a ping with TTL 4', A, 4), udp('a DNS query with TTL 0', A, 53, 0)),
    pass: retval(2, icmp('a ping with TTL 5', A, 5), tcp('a TCP SYN with TTL 64', A, 80), ipv6('an IPv6 UDP datagram'), arp('an ARP request')),
  },
  'count-packets': {
    accepted: ACCEPTED,
    count: { kind: 'map', map: 'counts', inputs: [tcp('a TCP SYN', A, 80), udp('a DNS query', A, 53), icmp('a ping'), ipv6('an IPv6 datagram')], entries: [{ key: '00000000', value: u64(4) }] },
  },
  'count-protocols': {
    accepted: ACCEPTED,
    counts: {
      kind: 'map',
      map: 'protos',
      inputs: [tcp('a TCP SYN', A, 80), tcp('a TCP ACK', B, 80, 'ack'), udp('a DNS query', A, 53), icmp('a ping'), tcp('a TCP SYN', C, 22), udp('a DNS query', B, 53)],
      entries: [
        { key: u32(1), value: u64(1) },
        { key: u32(6), value: u64(3) },
        { key: u32(17), value: u64(2) },
      ],
    },
  },
  'syn-per-source': {
    accepted: ACCEPTED,
    counts: {
      kind: 'map',
      map: 'syns',
      inputs: SYN_TRAFFIC,
      entries: [
        { key: '0a000001', value: u64(2) },
        { key: 'c0a80109', value: u64(1) },
      ],
    },
    pass: retval(0, ...SYN_TRAFFIC),
  },
  'first-ttl': {
    accepted: ACCEPTED,
    first: {
      kind: 'map',
      map: 'first_ttl',
      inputs: [icmp('a ping from 10.0.0.1, TTL 64', A, 64), icmp('a ping from 10.0.0.1, TTL 30', A, 30), udp('a DNS query from 10.0.0.7, TTL 128', B, 53, 128), udp('a DNS query from 10.0.0.7, TTL 5', B, 53, 5), icmp('a ping from 192.168.1.9, TTL 17', C, 17)],
      entries: [
        { key: '0a000001', value: '40' },
        { key: '0a000007', value: '80' },
        { key: 'c0a80109', value: '11' },
      ],
    },
  },
  'small-frames': {
    accepted: ACCEPTED,
    short: retval(2, icmp('a 46-byte ping'), tcp('a 54-byte TCP SYN', A, 80), bare('a 59-byte frame', 59)),
    long: retval(0, bare('a 60-byte frame', 60), tcp('a 94-byte TCP segment', A, 80, 'psh', { payload: new Array(40).fill(0x41) })),
  },
  'redirect-ssh': {
    accepted: ACCEPTED,
    ssh: { kind: 'redirect', cases: [{ input: tcp('an SSH SYN', A, 22), ifindex: 3 }, { input: tcp('an SSH ACK from another host', C, 22, 'ack'), ifindex: 3 }] },
    other: retval(0, tcp('a TCP SYN to port 80', A, 80), udp('a UDP datagram to port 22', A, 22), arp('an ARP request')),
  },
  'xdp-bounce': {
    accepted: ACCEPTED,
    swapped: { kind: 'packet', cases: [tcp('a TCP SYN', A, 80), arp('an ARP request'), bare('a bare 14-byte frame', 14)].map((input) => ({ input, dataOut: swapMacs })) },
    tx: retval(3, tcp('a TCP SYN', A, 80), icmp('a ping')),
  },
  'trace-pid': {
    accepted: ACCEPTED,
    printed: { kind: 'trace', input: { about: 'the probe hit by the current task' }, contains: (w) => `pid ${w.task.pid}` },
  },
  'first-arg': {
    accepted: ACCEPTED,
    value: {
      kind: 'retval',
      cases: [
        { input: regs('a call with first argument 41', { di: 41n }), retval: 42 },
        { input: regs('a call with first argument 1000', { di: 1000n }), retval: 1001 },
        { input: regs('a call with first argument 0x7fffffff', { di: 0x7fffffffn }), retval: 0x80000000 },
      ],
    },
  },
  'count-execs': {
    accepted: ACCEPTED,
    counts: {
      kind: 'map',
      map: 'execs',
      inputs: [100, 100, 200, 300, 100].map((pid) => record(`an exec by pid ${pid}`, 'sched:sched_process_exec', { pid })),
      entries: [
        { key: u32(100), value: u64(3) },
        { key: u32(200), value: u64(1) },
        { key: u32(300), value: u64(1) },
      ],
    },
  },
  'fix-null-check': {
    accepted: ACCEPTED,
    counts: {
      kind: 'map',
      map: 'by_proto',
      inputs: [tcp('a TCP SYN', A, 80), udp('a DNS query', A, 53), tcp('a TCP ACK', B, 80, 'ack'), icmp('a ping')],
      entries: [
        { key: u32(1), value: u64(1) },
        { key: u32(6), value: u64(2) },
        { key: u32(17), value: u64(1) },
      ],
    },
  },
  'fix-packet-range': {
    accepted: ACCEPTED,
    icmp: retval(2, icmp('a ping'), icmp('a ping from another host', C)),
    other: retval(0, tcp('a TCP SYN', A, 80), udp('a DNS query', A, 53), arp('an ARP request'), bare('a bare 14-byte Ethernet frame', 14)),
  },
  'fix-uninit-key': {
    accepted: ACCEPTED,
    counts: {
      kind: 'map',
      map: 'counts',
      inputs: [tcp('a TCP SYN', A, 80), udp('a DNS query', A, 53), udp('a DNS query', B, 53), icmp('a ping')],
      entries: [
        { key: '0100000000000000', value: u64(1) },
        { key: '0600000000000000', value: u64(1) },
        { key: '1100000000000000', value: u64(2) },
      ],
    },
  },
  'fix-loop': {
    accepted: ACCEPTED,
    sum: {
      kind: 'retval',
      cases: [tcp('a TCP SYN', A, 80), icmp('a ping'), tcp('a TCP segment with 300 bytes of data', A, 80, 'psh', { payload: new Array(300).fill(0) })].map((input) => ({ input, retval: headSum })),
    },
  },
};
