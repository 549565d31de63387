/**
 * A reference solution of every challenge (kept with the tests, never shipped: a challenge is
 * shared without its solution), and wrong ones that each fail a named goal.
 */
export const SOLUTIONS: Record<string, string> = {
  'ipv4-only': `
.type socket_filter
        r0 = *(u32 *)(r1 +16)         ; skb->protocol, network byte order
        if r0 == 0x8 goto ipv4
        r0 = 0
        exit
ipv4:   r0 = 1
        exit
`,
  'ip-header-only': `
.type socket_filter
        r0 = *(u32 *)(r1 +16)
        if r0 == 0x8 goto ipv4
        r0 = 0
        exit
ipv4:   r0 = 20
        exit
`,
  'tcp-port-80': `
.type socket_filter
        r6 = r1
        r0 = *(u32 *)(r1 +16)
        if r0 != 0x8 goto no
        r0 = *(u8 *)skb[9]
        if r0 != 6 goto no
        r0 = *(u16 *)skb[22]
        if r0 != 80 goto no
        r0 = 1
        exit
no:     r0 = 0
        exit
`,
  'drop-dns': `
.type sched_cls
        r2 = *(u32 *)(r1 +76)
        r3 = *(u32 *)(r1 +80)
        r0 = 0
        r4 = r2
        r4 += 38
        if r4 > r3 goto out
        r4 = *(u16 *)(r2 +12)
        if r4 != 0x8 goto out
        r4 = *(u8 *)(r2 +23)
        if r4 != 17 goto out
        r4 = *(u16 *)(r2 +36)
        if r4 != 0x3500 goto out      ; port 53, network byte order
        r0 = 2
out:    exit
`,
  'xdp-ttl': `
.type xdp
        r2 = *(u32 *)(r1 +0)
        r3 = *(u32 *)(r1 +4)
        r0 = 2
        r4 = r2
        r4 += 34
        if r4 > r3 goto out
        r4 = *(u16 *)(r2 +12)
        if r4 != 0x8 goto out
        r4 = *(u8 *)(r2 +22)
        if r4 > 4 goto out
        r0 = 1
out:    exit
`,
  'count-packets': `
.type socket_filter
.map counts array key=4 value=8 entries=1
        *(u32 *)(r10 -4) = 0
        r2 = r10
        r2 += -4
        r1 = map[counts] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
out:    r0 = -1
        exit
`,
  'count-protocols': `
.type socket_filter
.map protos array key=4 value=8 entries=256
        r6 = r1
        r0 = *(u8 *)skb[9]
        *(u32 *)(r10 -4) = r0
        r2 = r10
        r2 += -4
        r1 = map[protos] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
out:    r0 = -1
        exit
`,
  'syn-per-source': `
.type sched_cls
.map syns hash key=4 value=8 entries=1024
        r2 = *(u32 *)(r1 +76)
        r3 = *(u32 *)(r1 +80)
        r4 = r2
        r4 += 48
        if r4 > r3 goto out
        r4 = *(u16 *)(r2 +12)
        if r4 != 0x8 goto out
        r4 = *(u8 *)(r2 +23)
        if r4 != 6 goto out
        r4 = *(u8 *)(r2 +47)
        r4 &= 0x12
        if r4 != 2 goto out
        r4 = *(u32 *)(r2 +26)
        *(u32 *)(r10 -4) = r4
        r2 = r10
        r2 += -4
        r1 = map[syns] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto new
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
        goto out
new:    *(u64 *)(r10 -16) = 1
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        r1 = map[syns] ll
        call bpf_map_update_elem
out:    r0 = 0
        exit
`,
  'first-ttl': `
.type socket_filter
.map first_ttl hash key=4 value=1 entries=256
        r6 = r1
        r0 = *(u32 *)skb[12]
        r0 = be32 r0
        *(u32 *)(r10 -4) = r0
        r0 = *(u8 *)skb[8]
        *(u8 *)(r10 -8) = r0
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -8
        r4 = 1                        ; BPF_NOEXIST
        r1 = map[first_ttl] ll
        call bpf_map_update_elem
        r0 = -1
        exit
`,
  'small-frames': `
.type sched_cls
        r2 = *(u32 *)(r1 +0)
        r0 = 0
        if r2 > 59 goto out
        r0 = 2
out:    exit
`,
  'redirect-ssh': `
.type sched_act
        r6 = r1
        r0 = *(u16 *)skb[12]
        if r0 != 0x800 goto pass
        r0 = *(u8 *)skb[23]
        if r0 != 6 goto pass
        r0 = *(u16 *)skb[36]
        if r0 != 22 goto pass
        r1 = 3
        r2 = 0
        call bpf_redirect
        exit
pass:   r0 = 0
        exit
`,
  'xdp-bounce': `
.type xdp
        r2 = *(u32 *)(r1 +0)
        r3 = *(u32 *)(r1 +4)
        r0 = 1
        r4 = r2
        r4 += 12
        if r4 > r3 goto out
        r4 = *(u32 *)(r2 +0)
        r5 = *(u16 *)(r2 +4)
        r6 = *(u32 *)(r2 +6)
        r7 = *(u16 *)(r2 +10)
        *(u32 *)(r2 +0) = r6
        *(u16 *)(r2 +4) = r7
        *(u32 *)(r2 +6) = r4
        *(u16 *)(r2 +10) = r5
        r0 = 3
out:    exit
`,
  'trace-pid': `
.type kprobe
.kern_version 0x040800
        call bpf_get_current_pid_tgid
        r3 = r0
        r3 <<= 32
        r3 >>= 32
        r1 = 0x000a642520646970 ll    ; "pid %d\\n"
        *(u64 *)(r10 -8) = r1
        r1 = r10
        r1 += -8
        r2 = 8
        call bpf_trace_printk
        r0 = 0
        exit
`,
  'first-arg': `
.type kprobe
.kern_version 0x040800
        r0 = *(u64 *)(r1 +112)
        r0 += 1
        exit
`,
  'count-execs': `
.type tracepoint
.map execs hash key=4 value=8 entries=1024
        r2 = *(u32 *)(r1 +12)
        *(u32 *)(r10 -4) = r2
        r2 = r10
        r2 += -4
        r1 = map[execs] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto new
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
        goto out
new:    *(u64 *)(r10 -16) = 1
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        r1 = map[execs] ll
        call bpf_map_update_elem
out:    r0 = 0
        exit
`,
  'fix-null-check': `
.type socket_filter
.map by_proto hash key=4 value=8 entries=256
        r6 = r1
        r0 = *(u8 *)skb[9]
        *(u32 *)(r10 -4) = r0
        r2 = r10
        r2 += -4
        r1 = map[by_proto] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto new
        r1 = 1
        lock *(u64 *)(r0 +0) += r1
        goto out
new:    *(u64 *)(r10 -16) = 1
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        r1 = map[by_proto] ll
        call bpf_map_update_elem
out:    r0 = -1
        exit
`,
  'fix-packet-range': `
.type sched_cls
        r2 = *(u32 *)(r1 +76)
        r3 = *(u32 *)(r1 +80)
        r0 = 0
        r5 = r2
        r5 += 24
        if r5 > r3 goto out
        r4 = *(u16 *)(r2 +12)
        if r4 != 0x8 goto out
        r4 = *(u8 *)(r2 +23)
        if r4 != 1 goto out
        r0 = 2
out:
        exit
`,
  'fix-uninit-key': `
.type socket_filter
.map counts hash key=8 value=8 entries=256
        r6 = r1
        r0 = *(u8 *)skb[9]
        *(u64 *)(r10 -8) = r0
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
  'fix-loop': `
.type socket_filter
        r6 = r1
        r0 = *(u8 *)skb[0]
        r7 = r0
        r0 = *(u8 *)skb[1]
        r7 += r0
        r0 = *(u8 *)skb[2]
        r7 += r0
        r0 = *(u8 *)skb[3]
        r7 += r0
        r0 = r7
        exit
`,
};

/** Plausible wrong answers, each failing `goal` of challenge `id`. */
export const WRONG: { id: string; goal: string; why: string; text: string }[] = [
  { id: 'ipv4-only', goal: 'other', why: 'returns 1 for everything', text: '.type socket_filter\nr0 = 1\nexit\n' },
  { id: 'tcp-port-80', goal: 'other', why: 'does not check the protocol', text: '.type socket_filter\nr6 = r1\nr0 = *(u16 *)skb[22]\nif r0 != 80 goto no\nr0 = 1\nexit\nno: r0 = 0\nexit\n' },
  { id: 'xdp-ttl', goal: 'low', why: 'drops below 4 instead of 5', text: SOLUTIONS['xdp-ttl'].replace('if r4 > 4 goto out', 'if r4 > 3 goto out') },
  { id: 'syn-per-source', goal: 'counts', why: 'counts every TCP packet, SYN or not', text: SOLUTIONS['syn-per-source'].replace('r4 &= 0x12\n        if r4 != 2 goto out\n', '') },
  { id: 'first-ttl', goal: 'first', why: 'overwrites with every packet (flags 0)', text: SOLUTIONS['first-ttl'].replace('r4 = 1                        ; BPF_NOEXIST', 'r4 = 0') },
  { id: 'small-frames', goal: 'long', why: 'drops 60-byte frames too', text: '.type sched_cls\nr2 = *(u32 *)(r1 +0)\nr0 = 0\nif r2 > 60 goto out\nr0 = 2\nout: exit\n' },
  { id: 'xdp-bounce', goal: 'swapped', why: 'copies the source over the destination instead of swapping', text: SOLUTIONS['xdp-bounce'].replace('*(u32 *)(r2 +6) = r4', '*(u32 *)(r2 +6) = r6').replace('*(u16 *)(r2 +10) = r5', '*(u16 *)(r2 +10) = r7') },
  { id: 'redirect-ssh', goal: 'ssh', why: 'redirects to ingress', text: SOLUTIONS['redirect-ssh'].replace('r2 = 0\n', 'r2 = 1\n') },
  { id: 'trace-pid', goal: 'printed', why: 'prints the uid instead', text: SOLUTIONS['trace-pid'].replace('call bpf_get_current_pid_tgid', 'call bpf_get_current_uid_gid') },
  { id: 'count-execs', goal: 'counts', why: 'keys by old_pid (offset 16) instead of pid', text: SOLUTIONS['count-execs'].replace('r2 = *(u32 *)(r1 +12)', 'r2 = *(u32 *)(r1 +16)') },
];
