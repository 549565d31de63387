/**
 * tc lessons (sched_cls and sched_act) that read packets and decide: LD_IND, direct packet
 * access through data/data_end, tail calls, redirects, cgroups and flow sampling.
 */
import { lesson } from './define';
import { ICMP_ECHO, TCP_SYN, UDP_DNS } from './frames';
import type { Lesson } from './types';

const ldInd = lesson({
  id: 'tc-ld-ind-port',
  title: 'A tc action that drops web traffic (LD_IND)',
  level: 'packets',
  summary: 'In tc, LD_ABS offsets count from the Ethernet header. The TCP header starts after an IPv4 header of variable length, so the port is read with LD_IND at a register plus a constant. Packets to port 80 get TC_ACT_SHOT.',
  tryNext: [
    'Run it on the DNS packet: it is UDP, so it passes (TC_ACT_OK).',
    'Compare 0x50 (80 in hex) instead of 80: the same program; the log prints immediates of jumps in hex.',
    'Write r7 = *(u8 *)skb[14]: the assembler refuses, because LD_ABS always loads into r0.',
  ],
  progType: 'sched_act',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: { load: { accepted: true }, run: { retval: 2, verdict: 'TC_ACT_SHOT' } },
  body: `
    ; A tc action that drops web traffic: LD_IND.
    ;
    ; In tc, skb->data is at the Ethernet header, so LD_ABS offsets count from
    ; there: the ethertype is at 12, the IPv4 header starts at 14. The TCP header
    ; comes after the IPv4 header, whose length is in its first byte (IHL, in
    ; 4-byte words), so the port's offset is known only at run time. LD_IND,
    ; r0 = *(u16 *)skb[r7 + k], reads at r7 + k.
    ; A sched_act program returns a tc action: TC_ACT_OK (0) lets the packet go
    ; on, TC_ACT_SHOT (2) drops it.
    .type sched_act
    .license "GPL"

            r6 = r1                       ; LD_ABS and LD_IND read the skb in r6
            r0 = *(u16 *)skb[12]          ; ethertype
            if r0 != 0x800 goto pass      ; not IPv4
            r0 = *(u8 *)skb[23]           ; 14 + 9: the IPv4 protocol
            if r0 != 6 goto pass          ; not TCP
            r0 = *(u8 *)skb[14]           ; version (4 bits) and IHL (4 bits)
            r7 = r0
            r7 &= 0xf
            r7 <<= 2                      ; r7 = IPv4 header length in bytes
            r0 = *(u16 *)skb[r7 + 16]     ; 14 + r7 + 2: the TCP destination port
            if r0 == 80 goto drop
    pass:   r0 = 0                        ; TC_ACT_OK
            exit
    drop:   r0 = 2                        ; TC_ACT_SHOT
            exit
  `,
});

const direct = lesson({
  id: 'tc-direct-access',
  title: 'Direct packet access in tc: data and data_end',
  level: 'packets',
  summary: 'A tc program can read the packet through skb->data and skb->data_end, after it proves to the verifier that the bytes are there: comparing data + N with data_end gives a range of N bytes on the path where the packet is long enough. This classifier drops ICMP.',
  tryNext: [
    'Run it on the TCP packet: TC_ACT_OK.',
    'Delete the line if r4 > r3 goto pass and Load: "invalid access to packet, off=12 size=2, R2(id=0,off=0,r=0)".',
    'Change r4 += 34 to r4 += 20 and Load: the check covers 20 bytes, and byte 23 is past it.',
    'Try *(u8 *)(r2 +23) = 17: 4.8 refuses writes through a tc packet pointer ("cannot write into packet"); tc writes with bpf_skb_store_bytes.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: ICMP_ECHO },
  expect: { load: { accepted: true }, run: { retval: 2, verdict: 'TC_ACT_SHOT' } },
  body: `
    ; Direct packet access in tc: data and data_end.
    ;
    ; skb->data (ctx offset 76) points at the first byte of the packet and
    ; skb->data_end (offset 80) just past the last. The verifier lets the
    ; program read data + k only once it has compared data + N with data_end:
    ; on the path where data + N > data_end is false, N bytes are there. (Only
    ; this form, "if pkt > pkt_end", gives a range in 4.8.)
    ; Loads through a pointer give the bytes as they are in memory: the
    ; ethertype 0x0800 is stored big-endian, 08 00, and a u16 load on a
    ; little-endian CPU reads 0x0008.
    ; This classifier drops ICMP and lets everything else pass.
    .type sched_cls
    .license "GPL"

            r2 = *(u32 *)(r1 +76)         ; r2 = skb->data
            r3 = *(u32 *)(r1 +80)         ; r3 = skb->data_end
            r4 = r2
            r4 += 34                      ; Ethernet (14) + IPv4 (20) headers
            if r4 > r3 goto pass          ; too short; below here 34 bytes are known
            r5 = *(u16 *)(r2 +12)         ; ethertype, in memory order
            if r5 != 0x8 goto pass        ; 08 00 read as a little-endian u16
            r5 = *(u8 *)(r2 +23)          ; IPv4 protocol
            if r5 == 1 goto drop          ; ICMP
    pass:   r0 = 0                        ; TC_ACT_OK
            exit
    drop:   r0 = 2                        ; TC_ACT_SHOT
            exit
  `,
});

const tailCalls = lesson({
  id: 'tail-calls',
  title: 'Tail calls through a prog_array',
  level: 'maps',
  summary: 'bpf_tail_call jumps to the program in a slot of a prog_array and never returns; an empty slot falls through to the next instruction. This socket filter dispatches on the IP protocol: slot 6 holds a TCP program, slot 17 a UDP one.',
  tryNext: [
    'Run it on the DNS packet: the UDP program keeps 28 bytes (IPv4 and UDP headers).',
    'Run it on the ping: slot 1 is empty, the call falls through, and the packet is dropped.',
    'Delete the line r0 = 0 after the call and Load: "R0 !read_ok"; bpf_tail_call returns nothing, so after it r0 holds no value.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  progs: [
    {
      name: 'tcp',
      source: '; Slot 6: TCP packets are kept whole.\n.type socket_filter\n.license "GPL"\n        r0 = -1\n        exit\n',
    },
    {
      name: 'udp',
      source: '; Slot 17: UDP packets are cut to their IPv4 and UDP headers.\n.type socket_filter\n.license "GPL"\n        r0 = 28\n        exit\n',
    },
  ],
  maps: [{ map: 'jmp_table', slots: [{ index: 6, value: { prog: 'tcp' } }, { index: 17, value: { prog: 'udp' } }] }],
  expect: { load: { accepted: true }, run: { retval: 0xffffffff, verdict: 'keep all 40 bytes' } },
  body: `
    ; Tail calls: jump to another program through a prog_array.
    ;
    ; bpf_tail_call(ctx, &jmp_table, index) replaces the running program with
    ; the one in slot index. That program starts with the same ctx and its
    ; return value is the result; control never comes back. If the slot is
    ; empty, or index is past the end, nothing happens and the program goes on:
    ; the code after the call is the fallback. A chain of tail calls stops after
    ; 33 jumps (MAX_TAIL_CALL_CNT is 32, and 4.8 checks before counting).
    ; User space fills the slots with program fds; here slot 6 holds the lesson's
    ; "tcp" program and slot 17 its "udp" program.
    .type socket_filter
    .license "GPL"
    .map jmp_table prog_array key=4 value=4 entries=32

            r6 = r1
            r0 = *(u8 *)skb[-1048567]     ; SKF_NET_OFF + 9: the IPv4 protocol
            r3 = r0                       ; index = protocol
            r1 = r6                       ; ctx
            r2 = map[jmp_table] ll
            call bpf_tail_call            ; does not return if the slot is filled
            r0 = 0                        ; no program for this protocol: drop
            exit
  `,
});

const redirect = lesson({
  id: 'tc-redirect',
  title: 'Redirect and mirror a packet',
  level: 'tc',
  summary: 'bpf_clone_redirect sends a copy of the packet out of another device at once; bpf_redirect asks tc to move the packet itself, which happens when the program returns TC_ACT_REDIRECT. The route realm picks the device.',
  tryNext: [
    'Set r2 = 1 (BPF_F_INGRESS) in the bpf_redirect call: the packet is delivered into eth0 instead of sent out.',
    'Give bpf_redirect flags 2: it returns TC_ACT_SHOT, and the packet is dropped.',
    'Clone to ifindex 9: there is no such device, and bpf_clone_redirect returns -EINVAL (-22), which the results map shows.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: {
    load: { accepted: true },
    run: {
      retval: 7,
      verdict: 'TC_ACT_REDIRECT',
      redirect: { ifindex: 2, ingress: false },
      maps: [{ name: 'results', entries: [{ key: '00000000', value: '0000000000000000' }] }],
    },
  },
  body: `
    ; Redirect and mirror a packet.
    ;
    ; bpf_clone_redirect(skb, ifindex, flags) sends a copy of the packet out of
    ; device ifindex right away (into it with BPF_F_INGRESS, 1) and returns 0.
    ; bpf_redirect(ifindex, flags) only records where the packet should go and
    ; returns TC_ACT_REDIRECT (7); tc moves the packet when the program returns
    ; that value.
    ; bpf_get_route_realm(skb) gives the realm of the packet's route (routing
    ; rules can tag routes with realms); a packet with no route has realm 0.
    ; bpflab's machine has the devices lo (1), eth0 (2) and eth1 (3).
    .type sched_cls
    .license "GPL"
    .map results array key=4 value=8 entries=1

            r6 = r1
            r1 = r6
            r2 = 3                        ; eth1: a mirror port
            r3 = 0                        ; out of it
            call bpf_clone_redirect
            r7 = r0                       ; 0, or a negative errno
            r1 = r6
            call bpf_get_route_realm
            r8 = r0
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[results] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto go
            *(u32 *)(r0 +0) = r7          ; what the clone returned
            *(u32 *)(r0 +4) = r8          ; the realm
    go:     r1 = 2                        ; eth0 ...
            if r8 != 10 goto send
            r1 = 3                        ; ... or eth1 for realm 10
    send:   r2 = 0                        ; egress
            call bpf_redirect             ; TC_ACT_REDIRECT
            exit                          ; which is the program's result
  `,
});

const cgroup = lesson({
  id: 'tc-cgroup',
  title: 'Which cgroup sent this packet?',
  level: 'tc',
  summary: 'A cgroup_array holds cgroups; bpf_skb_in_cgroup says whether the packet\'s socket is in one of them (or below it), and bpf_get_cgroup_classid gives the net_cls class id of the socket\'s cgroup. Only traffic from /app passes.',
  tryNext: [
    'Put "/user.slice" in slot 0: the sender (in /app) is not below it, so the packet is dropped.',
    'Put "/" in slot 0: every cgroup is below the root, so the packet passes.',
    'Call bpf_skb_in_cgroup with index 1: -E2BIG (-7), the array has one slot, so the packet is dropped.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  maps: [{ map: 'allowed', slots: [{ index: 0, value: { cgroup: '/app' } }] }],
  expect: {
    load: { accepted: true },
    run: { retval: 0, verdict: 'TC_ACT_OK', maps: [{ name: 'classids', entries: [{ key: '00000000', value: '01001000' }] }] },
  },
  body: `
    ; Which cgroup sent this packet? bpf_skb_in_cgroup and get_cgroup_classid.
    ;
    ; A cgroup_array map holds cgroups: user space puts the fd of a cgroup v2
    ; directory in each slot. bpf_skb_in_cgroup(skb, &map, index) returns 1 if
    ; the socket that sent the packet is in that cgroup or below it, 0 if not
    ; (the released 4.8 header renamed it bpf_skb_under_cgroup).
    ; bpf_get_cgroup_classid(skb) returns the net_cls class id of the socket's
    ; cgroup (cgroup v1's way to tag traffic); 0 if it has none.
    ; Here slot 0 holds /app, and the packet comes from bpflab (pid 1234) in
    ; /app, whose class id is 0x00100001 (tc class 10:1).
    .type sched_cls
    .license "GPL"
    .map allowed cgroup_array key=4 value=4 entries=1
    .map classids array key=4 value=4 entries=1

            r6 = r1
            r1 = r6
            r2 = map[allowed] ll
            r3 = 0                        ; slot 0: /app
            call bpf_skb_in_cgroup
            if r0 != 1 goto drop          ; 0: elsewhere; negative: an error
            r1 = r6
            call bpf_get_cgroup_classid
            r7 = r0
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[classids] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto pass
            *(u32 *)(r0 +0) = r7          ; remember the class id
    pass:   r0 = 0                        ; TC_ACT_OK
            exit
    drop:   r0 = 2                        ; TC_ACT_SHOT
            exit
  `,
});

const sampling = lesson({
  id: 'flow-sampling',
  title: 'Sample packets per flow',
  level: 'tc',
  summary: 'bpf_get_prandom_u32 picks about one packet in four; bpf_get_hash_recalc gives the flow hash (the same for every packet of a connection) to count the samples per flow. The run repeats 8 times.',
  tryNext: [
    'Sample every packet (delete the two lines that test the random number): the flow\'s count becomes 8.',
    'Run it on the DNS packet: another flow, another hash.',
    'Write *(u32 *)(r6 +68) = 0 (skb->hash) and Load: the hash is read-only for tc, "invalid bpf_context access off=68 size=4".',
  ],
  progType: 'sched_act',
  privileged: true,
  input: { packet: UDP_DNS, repeat: 8 },
  expect: { load: { accepted: true }, run: { retval: 0, verdict: 'TC_ACT_OK' } },
  body: `
    ; Sample packets per flow: get_prandom_u32 and get_hash_recalc.
    ;
    ; bpf_get_prandom_u32() returns a pseudo-random number; keeping the packets
    ; whose two low bits are 0 samples one in four on average.
    ; bpf_get_hash_recalc(skb) returns skb->hash, the flow hash, computing it
    ; first if the packet has none: every packet of one connection has the same
    ; hash, so it is a cheap flow key.
    .type sched_act
    .license "GPL"
    .map samples hash key=4 value=8 entries=1024    ; flow hash -> sampled packets

            r6 = r1
            call bpf_get_prandom_u32
            r0 &= 3
            if r0 != 0 goto out           ; three times in four: not sampled
            r1 = r6
            call bpf_get_hash_recalc
            *(u32 *)(r10 -4) = r0         ; key = flow hash
            r2 = r10
            r2 += -4
            r1 = map[samples] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto new
            r1 = 1
            lock *(u64 *)(r0 +0) += r1
            goto out
    new:    *(u64 *)(r10 -16) = 1
            r1 = map[samples] ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 0                        ; BPF_ANY
            call bpf_map_update_elem
    out:    r0 = 0                        ; TC_ACT_OK
            exit
  `,
});

export const TC_LESSONS: Lesson[] = [ldInd, direct, tailCalls, redirect, cgroup, sampling];
