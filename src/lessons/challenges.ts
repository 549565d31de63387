/**
 * Graded challenges: a task, a starting program, and goals the engine checks against inputs the
 * learner does not see (the packets, records and expected results live with the grader, on the
 * engine's side: src/challenges). This file is what the IDE shows: the statement, the goals in
 * words, the starter (a stub to complete, or a refused program to fix) and the lessons that
 * teach what the challenge needs. docs/lessons.md lists them.
 */
import type { LessonLevel, LessonProgType } from './types';

interface ChallengeGoal {
  /** stable within the challenge: progress remembers goals by it */
  id: string;
  /** the goal in words, as the IDE lists it */
  text: string;
}

export interface Challenge {
  /** stable, URL-safe: a link `#challenge=<id>` opens it */
  id: string;
  title: string;
  level: LessonLevel;
  /** what to build, in two or three sentences */
  statement: string;
  progType: LessonProgType;
  /** loaded with CAP_SYS_ADMIN (the default) or not */
  privileged: boolean;
  /** the editor's text when the challenge opens */
  starter: string;
  goals: ChallengeGoal[];
  /** lessons (ids) that teach what it needs */
  lessons: string[];
}

const accepted = (how = 'The verifier accepts the program.'): ChallengeGoal => ({ id: 'accepted', text: how });

/** A starter: the statement as comments, then the given lines. */
const starter = (statement: string, lines: string): string => {
  const words = statement.split(/\s+/);
  const out: string[] = [];
  let line = ';';
  for (const w of words) {
    if (line.length + w.length + 1 > 96) {
      out.push(line);
      line = ';';
    }
    line += ` ${w}`;
  }
  out.push(line);
  return `${out.join('\n')}\n;\n; Check (in the challenge bar) runs it on packets you do not see.\n${lines.replace(/^\n/, '')}`;
};

const challenge = (c: Omit<Challenge, 'starter'> & { code: string }): Challenge => {
  const { code, ...rest } = c;
  return { ...rest, starter: starter(c.statement, code) };
};

export const CHALLENGES: readonly Challenge[] = [
  challenge({
    id: 'ipv4-only',
    title: 'Return 1 for IPv4 packets',
    level: 'basics',
    statement: 'Write a socket filter whose r0 is 1 for IPv4 packets and 0 for every other packet. skb->protocol (offset 16 of the context) holds the EtherType in network byte order.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'ipv4', text: 'r0 is 1 for IPv4 packets (TCP, UDP, ICMP).' }, { id: 'other', text: 'r0 is 0 for IPv6 and ARP packets.' }],
    lessons: ['return-constant', 'ld-abs-parse'],
    code: `
.type socket_filter
.license "GPL"

        r0 = 0
        exit
`,
  }),
  challenge({
    id: 'ip-header-only',
    title: 'Keep only the IPv4 header',
    level: 'basics',
    statement: 'A socket filter\'s r0 is how many bytes of the packet the socket keeps, counted from the network header. Keep the 20-byte IPv4 header of IPv4 packets, and nothing of other packets.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'ipv4', text: 'r0 is 20 for IPv4 packets.' }, { id: 'other', text: 'r0 is 0 for IPv6 and ARP packets.' }],
    lessons: ['return-constant'],
    code: `
.type socket_filter
.license "GPL"

        r0 = -1                       ; keep everything
        exit
`,
  }),
  challenge({
    id: 'tcp-port-80',
    title: 'Find the web traffic',
    level: 'packets',
    statement: 'Return 1 for TCP packets over IPv4 to destination port 80 and 0 for all others, with LD_ABS/LD_IND. Assume IPv4 headers of 20 bytes.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'web', text: 'r0 is 1 for TCP to port 80.' }, { id: 'other', text: 'r0 is 0 for TCP to other ports, UDP to port 80, ICMP and IPv6.' }],
    lessons: ['ld-abs-parse'],
    code: `
.type socket_filter
.license "GPL"

        r6 = r1                       ; LD_ABS reads the skb in r6
        r0 = 0
        exit
`,
  }),
  challenge({
    id: 'drop-dns',
    title: 'Drop DNS with direct packet access',
    level: 'packets',
    statement: 'A tc classifier: return TC_ACT_SHOT (2) for UDP packets over IPv4 to port 53, TC_ACT_OK (0) for everything else. Read the packet through skb->data and skb->data_end, with the range checks the verifier asks for.',
    progType: 'sched_cls',
    privileged: true,
    goals: [accepted(), { id: 'dns', text: 'DNS queries (UDP to port 53) are dropped.' }, { id: 'other', text: 'Other packets pass, including frames too short to hold an IPv4 header.' }],
    lessons: ['tc-direct-access', 'verifier-packet-range'],
    code: `
.type sched_cls
.license "GPL"

        r2 = *(u32 *)(r1 +76)         ; skb->data
        r3 = *(u32 *)(r1 +80)         ; skb->data_end
        r0 = 0                        ; TC_ACT_OK
        exit
`,
  }),
  challenge({
    id: 'xdp-ttl',
    title: 'Drop packets about to expire',
    level: 'packets',
    statement: 'An XDP program: return XDP_DROP (1) for IPv4 packets whose TTL is below 5, XDP_PASS (2) for all others (other EtherTypes included).',
    progType: 'xdp',
    privileged: true,
    goals: [accepted(), { id: 'low', text: 'IPv4 packets with a TTL of 0 to 4 are dropped.' }, { id: 'pass', text: 'Other packets pass: TTL 5 and above, IPv6, ARP.' }],
    lessons: ['xdp-ping-reply', 'tc-direct-access'],
    code: `
.type xdp
.license "GPL"

        r2 = *(u32 *)(r1 +0)          ; xdp->data
        r3 = *(u32 *)(r1 +4)          ; xdp->data_end
        r0 = 2                        ; XDP_PASS
        exit
`,
  }),
  challenge({
    id: 'count-packets',
    title: 'Count every packet',
    level: 'maps',
    statement: 'Count the packets the filter sees in element 0 of the array map counts (a u64), and keep every packet.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'count', text: 'After a few packets, counts[0] is their number.' }],
    lessons: ['count-packets'],
    code: `
.type socket_filter
.license "GPL"
.map counts array key=4 value=8 entries=1

        r0 = -1
        exit
`,
  }),
  challenge({
    id: 'count-protocols',
    title: 'Count packets per IP protocol',
    level: 'maps',
    statement: 'Count IPv4 packets per IP protocol number in the array map protos: element N is the u64 count of packets whose protocol is N.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'counts', text: 'After a mix of TCP, UDP and ICMP packets, each protocol\'s element holds its count and the others 0.' }],
    lessons: ['count-packets', 'ld-abs-parse'],
    code: `
.type socket_filter
.license "GPL"
.map protos array key=4 value=8 entries=256

        r0 = -1
        exit
`,
  }),
  challenge({
    id: 'syn-per-source',
    title: 'Count TCP SYNs per source address',
    level: 'maps',
    statement: 'A tc classifier that counts TCP SYNs (SYN set, ACK clear) over IPv4 per source address in the hash map syns: the key is the address\'s 4 bytes as they are in the packet, the value a u64 count. Other packets are not counted; every packet passes (TC_ACT_OK).',
    progType: 'sched_cls',
    privileged: true,
    goals: [accepted(), { id: 'counts', text: 'After a mix of SYNs, SYN-ACKs, ACKs and UDP from several hosts, syns holds exactly each host\'s SYN count.' }, { id: 'pass', text: 'Every packet passes (r0 is TC_ACT_OK).' }],
    lessons: ['hash-per-protocol', 'tc-direct-access'],
    code: `
.type sched_cls
.license "GPL"
.map syns hash key=4 value=8 entries=1024

        r0 = 0                        ; TC_ACT_OK
        exit
`,
  }),
  challenge({
    id: 'first-ttl',
    title: 'Remember the first TTL of each host',
    level: 'maps',
    statement: 'Store in the hash map first_ttl the TTL of the first IPv4 packet from each source address (key: the address\'s 4 bytes as in the packet, value: 1 byte). Later packets from the same host must not change it: look at the flags of bpf_map_update_elem.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'first', text: 'After several packets per host, each host\'s value is the TTL of its first packet.' }],
    lessons: ['hash-per-protocol', 'one-shot-tickets'],
    code: `
.type socket_filter
.license "GPL"
.map first_ttl hash key=4 value=1 entries=256

        r0 = -1
        exit
`,
  }),
  challenge({
    id: 'small-frames',
    title: 'Drop runt frames',
    level: 'tc',
    statement: 'A tc classifier: drop (TC_ACT_SHOT, 2) frames shorter than 60 bytes, let the others through (TC_ACT_OK, 0). skb->len is the frame\'s length.',
    progType: 'sched_cls',
    privileged: true,
    goals: [accepted(), { id: 'short', text: 'Frames of fewer than 60 bytes are dropped.' }, { id: 'long', text: 'Frames of 60 bytes and more pass.' }],
    lessons: ['tc-direct-access'],
    code: `
.type sched_cls
.license "GPL"

        r0 = 0                        ; TC_ACT_OK
        exit
`,
  }),
  challenge({
    id: 'redirect-ssh',
    title: 'Send SSH elsewhere',
    level: 'tc',
    statement: 'A tc action: redirect TCP packets over IPv4 to port 22 to the device with ifindex 3 (bpf_redirect, egress), and return TC_ACT_OK (0) for all other packets.',
    progType: 'sched_act',
    privileged: true,
    goals: [accepted(), { id: 'ssh', text: 'SSH packets are redirected to ifindex 3 (r0 is TC_ACT_REDIRECT).' }, { id: 'other', text: 'Other packets pass unredirected.' }],
    lessons: ['tc-redirect'],
    code: `
.type sched_act
.license "GPL"

        r0 = 0                        ; TC_ACT_OK
        exit
`,
  }),
  challenge({
    id: 'xdp-bounce',
    title: 'Bounce frames back',
    level: 'tc',
    statement: 'An XDP program that sends every frame back where it came from: swap the destination and source MAC addresses and return XDP_TX (3).',
    progType: 'xdp',
    privileged: true,
    goals: [accepted(), { id: 'swapped', text: 'The frame leaves with its MAC addresses swapped and the rest unchanged.' }, { id: 'tx', text: 'r0 is XDP_TX.' }],
    lessons: ['xdp-ping-reply'],
    code: `
.type xdp
.license "GPL"

        r0 = 2                        ; XDP_PASS
        exit
`,
  }),
  challenge({
    id: 'trace-pid',
    title: 'Say which process',
    level: 'tracing',
    statement: 'A kprobe that prints "pid N" to trace_pipe with bpf_trace_printk, N being the current process\'s pid (the low 32 bits of bpf_get_current_pid_tgid).',
    progType: 'kprobe',
    privileged: true,
    goals: [accepted(), { id: 'printed', text: 'trace_pipe shows "pid N" with the pid of the process that hit the probe.' }],
    lessons: ['trace-printk'],
    code: `
.type kprobe
.license "GPL"
.kern_version 0x040800

        r0 = 0
        exit
`,
  }),
  challenge({
    id: 'first-arg',
    title: 'Read the first argument',
    level: 'tracing',
    statement: 'A kprobe whose r0 is the probed function\'s first argument plus one. On x86-64 the first argument is in the di register of struct pt_regs (offset 112).',
    progType: 'kprobe',
    privileged: true,
    goals: [accepted(), { id: 'value', text: 'r0 is the first argument plus one, for several calls.' }],
    lessons: ['current-task'],
    code: `
.type kprobe
.license "GPL"
.kern_version 0x040800

        r0 = 0
        exit
`,
  }),
  challenge({
    id: 'count-execs',
    title: 'Count execs per process',
    level: 'tracing',
    statement: 'A program on the sched:sched_process_exec tracepoint that counts execs per pid in the hash map execs (key: the record\'s pid field as a u32, at offset 12; value: a u64 count).',
    progType: 'tracepoint',
    privileged: true,
    goals: [accepted(), { id: 'counts', text: 'After several execs by a few processes, execs holds each pid\'s count.' }],
    lessons: ['sched-switch'],
    code: `
.type tracepoint
.license "GPL"
.map execs hash key=4 value=8 entries=1024

        r0 = 0
        exit
`,
  }),
  challenge({
    id: 'fix-null-check',
    title: 'Fix this refused program: the NULL check',
    level: 'verifier',
    statement: 'This program counts packets per IP protocol in a hash map, but the verifier refuses it. Fix it so that it loads and counts right: a protocol seen for the first time starts at 1.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'counts', text: 'After TCP, UDP and ICMP packets, by_proto holds each protocol\'s count.' }],
    lessons: ['verifier-null-check', 'hash-per-protocol'],
    code: `
.type socket_filter
.license "GPL"
.map by_proto hash key=4 value=8 entries=256

        r6 = r1
        r0 = *(u8 *)skb[9]            ; the IP protocol
        *(u32 *)(r10 -4) = r0
        r2 = r10
        r2 += -4
        r1 = map[by_proto] ll
        call bpf_map_lookup_elem
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
        r0 = -1
        exit
`,
  }),
  challenge({
    id: 'fix-packet-range',
    title: 'Fix this refused program: the range check',
    level: 'verifier',
    statement: 'This tc classifier should drop ICMP packets over IPv4 (TC_ACT_SHOT, 2) and pass the rest (TC_ACT_OK, 0), but the verifier refuses it. Fix it without reading past the end of short frames.',
    progType: 'sched_cls',
    privileged: true,
    goals: [accepted(), { id: 'icmp', text: 'ICMP packets are dropped.' }, { id: 'other', text: 'Other packets pass, including a frame too short for an IPv4 header.' }],
    lessons: ['verifier-packet-range', 'tc-direct-access'],
    code: `
.type sched_cls
.license "GPL"

        r2 = *(u32 *)(r1 +76)         ; skb->data
        r3 = *(u32 *)(r1 +80)         ; skb->data_end
        r0 = 0
        r4 = *(u16 *)(r2 +12)         ; the EtherType
        if r4 != 0x8 goto out         ; 0x0800 in network order
        r4 = *(u8 *)(r2 +23)          ; the IP protocol
        if r4 != 1 goto out
        r0 = 2
out:
        exit
`,
  }),
  challenge({
    id: 'fix-uninit-key',
    title: 'Fix this refused program: the key',
    level: 'verifier',
    statement: 'This filter counts packets per IP protocol in a hash map with 8-byte keys, but the verifier refuses it. Fix the key (the protocol number as a u64) so that it loads and counts right.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'counts', text: 'After a mix of packets, counts holds each protocol\'s count under its 8-byte key.' }],
    lessons: ['verifier-uninit-stack', 'hash-per-protocol'],
    code: `
.type socket_filter
.license "GPL"
.map counts hash key=8 value=8 entries=256

        r6 = r1
        r0 = *(u8 *)skb[9]            ; the IP protocol
        *(u32 *)(r10 -8) = r0         ; the key
        r2 = r10
        r2 += -8
        r1 = map[counts] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto new
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
        goto out
new:
        *(u64 *)(r10 -16) = 1
        r2 = r10
        r2 += -8
        r3 = r10
        r3 += -16
        r4 = 0
        r1 = map[counts] ll
        call bpf_map_update_elem
out:
        r0 = -1
        exit
`,
  }),
  challenge({
    id: 'fix-loop',
    title: 'Fix this refused program: the loop',
    level: 'verifier',
    statement: 'This filter returns the sum of the first four bytes of the IPv4 header, but Linux 4.8 refuses loops. Make it load and return the same sum.',
    progType: 'socket_filter',
    privileged: true,
    goals: [accepted(), { id: 'sum', text: 'r0 is the sum of the first four bytes of the IPv4 header.' }],
    lessons: ['verifier-loop'],
    code: `
.type socket_filter
.license "GPL"

        r6 = r1
        r7 = 0                        ; the sum
        r8 = 0                        ; the index
loop:
        r0 = *(u8 *)skb[r8 + 0]
        r7 += r0
        r8 += 1
        if r8 != 4 goto loop
        r0 = r7
        exit
`,
  }),
];

/** The challenge with this id. */
export const challengeById = (id: string): Challenge | undefined => CHALLENGES.find((c) => c.id === id);
