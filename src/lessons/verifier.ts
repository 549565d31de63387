/**
 * The classic verifier errors, one lesson each, with the exact message Linux 4.8 ends its log
 * with and the errno BPF_PROG_LOAD returns. Each program is the smallest plausible mistake; the
 * try-next list says how to fix it.
 */
import { lesson } from './define';
import { TCP_SYN } from './frames';
import type { Lesson } from './types';

const refused = (errno: string, lastLine: string) => ({ load: { accepted: false as const, errno, lastLine } });

const nullCheck = lesson({
  id: 'verifier-null-check',
  title: 'Verifier: the missing NULL check',
  level: 'verifier',
  summary: 'bpf_map_lookup_elem returns a pointer or NULL, and the verifier tracks r0 as map_value_or_null until a comparison with 0 splits the paths. Using it before that is refused.',
  tryNext: [
    'Add if r0 == 0 goto out after the call (and an out: label before r0 = 0): accepted, and the log shows R0=map_value(ks=4,vs=8) on the checked path.',
    'Check with if r0 != 0 goto use instead: also accepted; the pointer is valid on the jump\'s side.',
    'Copy r0 to r1 and check r1: 4.8 does not know the copies are the same pointer, so using r0 is still refused.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EACCES', "R0 invalid mem access 'map_value_or_null'"),
  body: `
    ; Verifier: the missing NULL check.
    ;
    ; After bpf_map_lookup_elem, r0 is "map_value_or_null": the key may be
    ; absent. The verifier refuses any access through it until the program has
    ; compared it with 0; on the non-NULL side it becomes map_value.
    ; Load this program to see the log end with the error.
    .type socket_filter
    .license "GPL"
    .map counts array key=4 value=8 entries=1

            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[counts] ll
            call bpf_map_lookup_elem
            r1 = 1
            lock *(u64 *)(r0 +0) += r1    ; refused: r0 may be NULL
            r0 = 0
            exit
  `,
});

const mapBounds = lesson({
  id: 'verifier-map-bounds',
  title: 'Verifier: map value out of bounds',
  level: 'verifier',
  summary: 'Every access through a map value pointer must fit in value_size. The value here is 8 bytes, so a u64 at offset 8 is past its end.',
  tryNext: [
    'Declare the map with value=16: accepted, there are two counters now.',
    'Access *(u32 *)(r0 +4): inside the value, accepted.',
    'Access *(u64 *)(r0 -8): negative offsets are refused too, "off=-8".',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EACCES', 'invalid access to map value, value_size=8 off=8 size=8'),
  body: `
    ; Verifier: map value out of bounds.
    ;
    ; A map value pointer carries the map's value_size: each load or store
    ; through it must lie in [0, value_size). This program keeps two counters
    ; but declared room for one.
    .type socket_filter
    .license "GPL"
    .map counts array key=4 value=8 entries=1

            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[counts] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto out
            r1 = 1
            lock *(u64 *)(r0 +0) += r1    ; the first counter: fine
            lock *(u64 *)(r0 +8) += r1    ; the second: bytes 8-15 of an 8-byte value
    out:    r0 = 0
            exit
  `,
});

const uninitStack = lesson({
  id: 'verifier-uninit-stack',
  title: 'Verifier: reading uninitialized stack',
  level: 'verifier',
  summary: 'The stack starts unwritten, and the verifier tracks every byte: a read of bytes never written is refused, since they would leak old kernel data. Here the key is read before it is written.',
  tryNext: [
    'Write the key first (*(u32 *)(r10 -4) = 0 before the load): accepted.',
    'Pass the unwritten key to bpf_map_lookup_elem instead: "invalid indirect read from stack off -4+0 size 4".',
    'Read at r10 +0: "invalid stack off=0 size=4", the stack is below the frame pointer.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EACCES', 'invalid read from stack off -8+0 size 8'),
  body: `
    ; Verifier: reading uninitialized stack.
    ;
    ; The 512-byte stack is below r10. Each byte is unwritten until the program
    ; stores to it, and a load of an unwritten byte is refused: it could leak
    ; whatever the kernel left there. The message gives the offset, the index
    ; of the first bad byte and the size.
    .type socket_filter
    .license "GPL"

            r0 = *(u64 *)(r10 -8)         ; nothing was stored at fp-8
            exit
  `,
});

const loop = lesson({
  id: 'verifier-loop',
  title: 'Verifier: loops are not allowed',
  level: 'verifier',
  summary: 'Linux 4.8 proves a program ends by refusing every backward jump: the control flow must be a DAG. Even a loop with a fixed count is refused; it has to be unrolled.',
  tryNext: [
    'Unroll it: write r0 += 1 four times and delete the jump. Accepted.',
    'Jump forward over an instruction (goto +1): fine, but an instruction nothing reaches is refused with "unreachable insn".',
    'Make the jump goto +0: a jump to the next instruction is not a loop, and is accepted.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EINVAL', 'back-edge from insn 4 to 2'),
  body: `
    ; Verifier: loops are not allowed.
    ;
    ; Before following any path, 4.8 checks the control-flow graph with a depth-
    ; first search: a jump back to an instruction on the current path is a
    ; "back-edge", and the program is refused (bounded loops came in Linux 5.3).
    ; The numbers are instruction indexes: from the jump to its target.
    .type socket_filter
    .license "GPL"

            r0 = 0
            r1 = 4                        ; loop 4 times
    again:  r0 += 1
            r1 += -1
            if r1 != 0 goto again         ; back to insn 2: a back-edge
            exit
  `,
});

const packetRange = lesson({
  id: 'verifier-packet-range',
  title: 'Verifier: packet access without a range check',
  level: 'verifier',
  summary: 'A packet pointer starts with a range of 0 bytes: nothing may be read through it until the program compares it (plus a length) with data_end. The message shows the pointer\'s id, offset and range.',
  tryNext: [
    'Insert r4 = r2, r4 += 14 and if r4 > r3 goto +1 before the load: accepted (too short a packet skips the load).',
    'Check only 13 bytes: the 2-byte load at 12 needs 14, "off=12 size=2 ... r=13".',
    'Check with if r4 >= r3 goto out instead: 4.8 learns a range only from "pkt > pkt_end", so the load is still refused.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EACCES', 'invalid access to packet, off=12 size=2, R2(id=0,off=0,r=0)'),
  body: `
    ; Verifier: packet access without a range check.
    ;
    ; skb->data and skb->data_end give a tc program a packet pointer (pkt) and
    ; the end pointer (pkt_end). A pkt carries the range of bytes known to be
    ; there, r=0 at first; "if pkt + N > pkt_end goto ..." sets it to N on the
    ; fall-through path. Reads must stay inside the range.
    .type sched_cls
    .license "GPL"

            r2 = *(u32 *)(r1 +76)         ; data
            r3 = *(u32 *)(r1 +80)         ; data_end, not compared with
            r0 = *(u16 *)(r2 +12)         ; the ethertype: refused
            r0 = 0
            exit
  `,
});

const ctxWrite = lesson({
  id: 'verifier-ctx-readonly',
  title: 'Verifier: writing a read-only context field',
  level: 'verifier',
  summary: 'Each program type may write only some fields of its context. A socket filter may write only cb[0..4], so setting skb->mark is refused; a tc program may write mark.',
  tryNext: [
    'Store to cb[0] instead, *(u32 *)(r1 +48) = 1: accepted.',
    'Change .type to sched_cls: tc programs may set mark, and the program is accepted.',
    'Read the mark instead (r0 = *(u32 *)(r1 +8)): reads are allowed.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EACCES', 'invalid bpf_context access off=8 size=4'),
  body: `
    ; Verifier: writing a read-only context field.
    ;
    ; r1 points to a struct __sk_buff, a view the verifier translates into the
    ; real sk_buff. Which fields a program may read and write depends on its
    ; type: a socket filter may read most fields but write only cb[0..4]
    ; (offsets 48-64, scratch space); tc may also write mark, priority,
    ; tc_index and tc_classid. The message gives the offset and size.
    .type socket_filter
    .license "GPL"

            *(u32 *)(r1 +8) = 1           ; skb->mark = 1
            r0 = -1
            exit
  `,
});

const leak = lesson({
  id: 'verifier-pointer-leak',
  title: 'Verifier: leaking a pointer when unprivileged',
  level: 'verifier',
  summary: 'A user without CAP_SYS_ADMIN may load socket filters, but they must not learn kernel addresses: storing a pointer into a map (which user space can read) is refused. Loaded as root, the same program is accepted.',
  tryNext: [
    'Load it privileged: accepted; root may see kernel addresses.',
    'Store a number instead, *(u64 *)(r0 +0) = r1 after r1 = 1: accepted unprivileged.',
    'Return the pointer (r0 stays the map value at exit): "R0 leaks addr as return value".',
  ],
  progType: 'socket_filter',
  privileged: false,
  input: { packet: TCP_SYN },
  expect: refused('EACCES', 'R0 leaks addr into map'),
  body: `
    ; Verifier: leaking a pointer when unprivileged.
    ;
    ; Without CAP_SYS_ADMIN a program may not let a kernel address reach user
    ; space: not into a map, not into the packet or ctx, not as the return
    ; value, not into a helper's plain-number argument; pointer arithmetic and
    ; comparisons are restricted too. This program stores the address of the
    ; map value into the value itself, where user space could read it.
    ; The lesson loads it as an unprivileged user.
    .type socket_filter
    .license "GPL"
    .map counts array key=4 value=8 entries=1

            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[counts] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto out
            *(u64 *)(r0 +0) = r0          ; a kernel address into the map
    out:    r0 = 0
            exit
  `,
});

const unprivPrintk = lesson({
  id: 'verifier-unknown-func',
  title: 'Verifier: a helper this program may not call',
  level: 'verifier',
  summary: 'Each program type offers its own set of helpers, and trace_printk is offered to a socket filter only when root loads it. Loaded unprivileged, the call is an "unknown func".',
  tryNext: [
    'Load it privileged: accepted, and the run prints a line to trace_pipe.',
    'Call bpf_get_current_pid_tgid (14): unknown to socket filters even for root, "unknown func 14".',
    'Call helper 99: "invalid func 99", no such helper at all.',
  ],
  progType: 'socket_filter',
  privileged: false,
  input: { packet: TCP_SYN },
  expect: refused('EINVAL', 'unknown func 6'),
  body: `
    ; Verifier: a helper this program may not call.
    ;
    ; The helpers a program may call depend on its type: a socket filter gets
    ; map access, time, random numbers, the CPU id and tail calls, and
    ; bpf_trace_printk only when loaded by root. Anything else is refused by
    ; number (6 is trace_printk). The lesson loads it as an unprivileged user.
    .type socket_filter
    .license "GPL"

            *(u32 *)(r10 -4) = 0x216968   ; "hi!" and the NUL
            r1 = r10
            r1 += -4
            r2 = 4
            call bpf_trace_printk
            r0 = -1
            exit
  `,
});

const gplOnly = lesson({
  id: 'verifier-gpl-only',
  title: 'Verifier: GPL-only helpers',
  level: 'verifier',
  summary: 'Some helpers are GPL-only (ktime_get_ns, trace_printk, probe_read, perf_event_output...): a program whose license is not GPL-compatible may not call them.',
  tryNext: [
    'Set .license "GPL" (or "Dual BSD/GPL"): accepted.',
    'Call bpf_get_prandom_u32 (7) instead: not GPL-only, accepted with any license.',
    'Set .license "GPL v3": not one of the strings 4.8 knows, so still refused.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: refused('EINVAL', 'cannot call GPL only function from proprietary program'),
  body: `
    ; Verifier: GPL-only helpers.
    ;
    ; The license string given at load time decides which helpers a program may
    ; call: GPL-only helpers need one of "GPL", "GPL v2", "GPL and additional
    ; rights", "Dual BSD/GPL", "Dual MIT/GPL" or "Dual MPL/GPL".
    .type socket_filter
    .license "Proprietary"

            call bpf_ktime_get_ns         ; GPL-only
            r0 = -1
            exit
  `,
});

const tracepointHole = lesson({
  id: 'verifier-hole-below-record',
  title: 'A hole in the 4.8 verifier',
  level: 'verifier',
  summary:
    "4.8 guards a tracepoint program's context reads with off < sizeof(void *), and in C that comparison is unsigned: a negative offset is not below 8, so reads before the record pass. This program copies the 8 bytes below its sched_switch record, memory that is not part of the event, into a map for user space.",
  tryNext: [
    'Read *(u32 *)(r6 -8) instead: still accepted. But 4.8 remembers the end of the highest context read as an unsigned number, and -8 + 4 wraps to 4294967292, so attaching the program to the tracepoint fails with EACCES. A read that ends exactly where the record starts, like this u64 at -8, gets through.',
    'Read *(u32 *)(r6 -6): "misaligned access off -6 size 4". The alignment rule uses C\'s remainder, -6 % 4 = -2, and comes first.',
    'Read *(u64 *)(r6 +0): "invalid bpf_context access off=0 size=8". The first 8 bytes, where 4.8 puts the pt_regs pointer, are hidden; only the negative side leaks.',
    'Change .type to kprobe (with .kern_version 0x040800): "invalid bpf_context access off=-8 size=8". kprobe programs test off < 0 explicitly.',
  ],
  progType: 'tracepoint',
  privileged: true,
  input: { tracepoint: { name: 'sched:sched_switch', fields: { prev_pid: 1234, next_pid: 42 } } },
  expect: {
    load: { accepted: true },
    run: { retval: 0, verdict: 'r0 = 0', maps: [{ name: 'below', entries: [{ key: '00000000', value: '0000000000000000' }] }] },
  },
  body: `
    ; A hole in the 4.8 verifier: reading below a tracepoint's record.
    ;
    ; 4.8 writes a tracepoint's record at the start of a per-CPU buffer and
    ; lets the program read it, but not its first 8 bytes:
    ;   if (off < sizeof(void *) || off >= PERF_MAX_TRACE_SIZE) refuse
    ; off is an int, sizeof is unsigned, so C compares them unsigned: -8 is a
    ; huge number, not below 8, and passes. The load below reads the 8 bytes
    ; under the record (the log says "processed ... insns", no complaint).
    ; In a real kernel they are other per-CPU kernel data; bpflab does not
    ; model that memory and gives zeros (the Context panel shows it, "below
    ; the record", when you step over the load).
    ;
    ; Later kernels: a 6.18 kernel still loads this program (the test is the
    ; same, and the attach check below is the same). Newer ways in avoid it:
    ; raw tracepoint programs (4.17) get the arguments, checked with a signed
    ; off < 0, and BTF-typed ones (5.5) argument by argument.
    .type tracepoint
    .license "GPL"
    .map below hash key=4 value=8 entries=1   ; what the program took

            r6 = r1                       ; the record
            r7 = *(u64 *)(r6 -8)          ; 8 bytes BELOW it: accepted by 4.8
            *(u32 *)(r10 -4) = 0          ; key 0
            *(u64 *)(r10 -16) = r7
            r1 = map[below] ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 0                        ; BPF_ANY
            call bpf_map_update_elem      ; user space can read it now
            r0 = 0
            exit
  `,
});

export const VERIFIER_LESSONS: Lesson[] = [nullCheck, mapBounds, uninitStack, loop, packetRange, ctxWrite, leak, unprivPrintk, gplOnly, tracepointHole];
