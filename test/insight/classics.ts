/**
 * Classic refusals of Linux 4.8 whose cause is a value at run time, each the smallest program
 * that shows it, with the message 4.8 ends its log with and what a run of it would do. The input
 * search must find, for each, an input that reaches the refused instruction and shows it; the
 * browser test does the same through the IDE. docs/verifier.md lists them.
 */
interface Classic {
  id: string;
  title: string;
  privileged: boolean;
  /** the last line of 4.8's log */
  message: string;
  /** what the interpreter does at the refused instruction (a fault's reason, or a word of the outcome) */
  shows: RegExp;
  source: string;
}

export const CLASSICS: Classic[] = [
  {
    id: 'null-hash',
    title: 'a lookup used without its NULL check',
    privileged: true,
    message: "R0 invalid mem access 'map_value_or_null'",
    shows: /invalid address: load of 8 bytes at 0x0 \(no region\)/,
    source: `.type socket_filter
.map flows hash key=4 value=8 entries=64
  r6 = r1
  r0 = *(u8 *)skb[9]            ; the IP protocol
  *(u32 *)(r10 -4) = r0
  r2 = r10
  r2 += -4
  r1 = map[flows] ll
  call bpf_map_lookup_elem
  r1 = 1
  lock *(u64 *)(r0 +0) += r1    ; refused: r0 may be NULL
  r0 = 0
  exit
`,
  },
  {
    id: 'null-array-index',
    title: 'an array index from the packet, used without the NULL check',
    privileged: true,
    message: "R0 invalid mem access 'map_value_or_null'",
    shows: /invalid address: load of 8 bytes at 0x0 \(no region\)/,
    source: `.type socket_filter
.map counts array key=4 value=8 entries=64
  r6 = r1
  r0 = *(u8 *)skb[9]            ; the IP protocol as an index: 6 for TCP
  *(u32 *)(r10 -4) = r0
  r2 = r10
  r2 += -4
  r1 = map[counts] ll
  call bpf_map_lookup_elem
  r0 = *(u64 *)(r0 +0)          ; refused: an index of 64 or more finds nothing
  exit
`,
  },
  {
    id: 'map-value-bounds',
    title: 'a read past the end of a map value',
    privileged: true,
    message: 'invalid access to map value, value_size=8 off=8 size=8',
    shows: /read 8 bytes at offset 8 of a value of 8 bytes, outside it/,
    source: `.type socket_filter
.map seen hash key=4 value=8 entries=64
  r6 = r1
  r0 = *(u32 *)skb[12]          ; the source address
  *(u32 *)(r10 -4) = r0
  r2 = r10
  r2 += -4
  r1 = map[seen] ll
  call bpf_map_lookup_elem
  if r0 == 0 goto out
  r0 = *(u64 *)(r0 +8)          ; refused: the value has 8 bytes
  exit
out:
  r0 = 0
  exit
`,
  },
  {
    id: 'packet-unchecked',
    title: 'a packet read without a range check',
    privileged: true,
    message: 'invalid access to packet, off=23 size=1, R2(id=0,off=0,r=0)',
    shows: /out of bounds: load of 1 byte .*region packet/,
    source: `.type sched_cls
  r2 = *(u32 *)(r1 +76)         ; skb->data
  r0 = *(u8 *)(r2 +23)          ; refused: the IP protocol, never checked against data_end
  exit
`,
  },
  {
    id: 'packet-off-by-one',
    title: 'a range check one field short',
    privileged: true,
    message: 'invalid access to packet, off=14 size=2, R2(id=0,off=0,r=14)',
    shows: /out of bounds: load of 2 bytes .*region packet/,
    source: `.type sched_cls
  r2 = *(u32 *)(r1 +76)         ; skb->data
  r3 = *(u32 *)(r1 +80)         ; skb->data_end
  r4 = r2
  r4 += 14
  if r4 > r3 goto out           ; checks the Ethernet header only
  r0 = *(u16 *)(r2 +14)         ; refused: two bytes past the checked 14
  exit
out:
  r0 = 0
  exit
`,
  },
  {
    id: 'uninit-stack-path',
    title: 'a stack slot written on one path only',
    privileged: true,
    message: 'invalid read from stack off -8+0 size 8',
    shows: /nothing wrote in this run/,
    source: `.type socket_filter
  r6 = r1
  r0 = *(u8 *)skb[9]            ; the IP protocol
  if r0 != 6 goto other
  *(u64 *)(r10 -8) = r0         ; written for TCP only
other:
  r0 = *(u64 *)(r10 -8)         ; refused: not written when the packet is not TCP
  exit
`,
  },
  {
    id: 'uninit-key',
    title: 'a lookup key nobody wrote',
    privileged: true,
    message: 'invalid indirect read from stack off -8+0 size 8',
    shows: /nothing wrote in this run/,
    source: `.type socket_filter
.map h hash key=8 value=8 entries=16
  r2 = r10
  r2 += -8
  r1 = map[h] ll
  call bpf_map_lookup_elem      ; refused: the 8-byte key at fp-8 was never written
  r0 = 0
  exit
`,
  },
  {
    id: 'scalar-deref',
    title: 'a number from the packet used as a pointer',
    privileged: true,
    message: "R0 invalid mem access 'inv'",
    shows: /invalid address: load of 8 bytes at 0x[0-9a-f]+ \(no region\)/,
    source: `.type socket_filter
  r6 = r1
  r0 = *(u32 *)skb[12]          ; the source address, a number
  r0 = *(u64 *)(r0 +0)          ; refused: a number is not a pointer
  exit
`,
  },
  {
    id: 'ctx-readonly',
    title: 'a socket filter writing skb->mark',
    privileged: true,
    message: 'invalid bpf_context access off=8 size=4',
    shows: /access not allowed: store of 4 bytes at 0x[0-9a-f]+ \(region ctx \(__sk_buff\)\)/,
    source: `.type socket_filter
  r2 = 1
  *(u32 *)(r1 +8) = r2          ; refused: socket filters may not write mark
  r0 = 0
  exit
`,
  },
  {
    id: 'leak-into-map',
    title: 'a stack address stored in a map (unprivileged)',
    privileged: false,
    message: 'R10 leaks addr into map',
    shows: /a kernel address, readable from user space/,
    source: `.type socket_filter
.map m array key=4 value=8 entries=1
  *(u32 *)(r10 -4) = 0
  r2 = r10
  r2 += -4
  r1 = map[m] ll
  call bpf_map_lookup_elem
  if r0 == 0 goto out
  *(u64 *)(r0 +0) = r10         ; refused for unprivileged users
out:
  r0 = 0
  exit
`,
  },
  {
    id: 'stack-bounds',
    title: 'a store above the frame pointer',
    privileged: true,
    message: 'invalid stack off=8 size=8',
    shows: /out of bounds: store of 8 bytes .*region stack/,
    source: `.type socket_filter
  *(u64 *)(r10 +8) = 0          ; refused: the stack is below r10
  r0 = 0
  exit
`,
  },
];
