/**
 * The first lessons: socket filters that return a constant, count packets in an array, parse
 * headers with LD_ABS, and use hash, per-CPU and program-array maps. Expected outcomes are what
 * Linux 4.8 gives (seeded world, CPU 0 of 2).
 */
import { lesson } from './define';
import { TCP_SYN, UDP_DNS } from './frames';
import type { Lesson } from './types';

const returnConstant = lesson({
  id: 'return-constant',
  title: 'Your first program: return a constant',
  level: 'basics',
  summary: 'The smallest program the verifier accepts: set r0 and exit. A socket filter returns how many bytes of the packet to keep, so -1 keeps all of it and 0 drops it.',
  tryNext: [
    'Change r0 = -1 to r0 = 0 and Run: the verdict becomes "drop".',
    'Return 20: the packet is cut to its first 20 bytes (the IPv4 header).',
    'Delete the line r0 = -1 and Load: the verifier refuses with "R0 !read_ok" (r0 is read at exit but never written).',
    'Delete exit and Load: "jump out of range from insn 0 to 1" (the last instruction must be exit or a jump).',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: { load: { accepted: true }, run: { retval: 0xffffffff, verdict: 'keep all 40 bytes' } },
  body: `
    ; Your first eBPF program: a socket filter that keeps every packet.
    ;
    ; When a program exits, r0 is its return value. A socket filter returns the
    ; number of bytes of the packet to keep: 0 drops the packet, and a number at
    ; least as large as the packet keeps all of it. -1 is 0xffffffff bytes.
    ; The packet here is a 54-byte TCP SYN; a socket sees it from the IPv4
    ; header on, 40 bytes.
    .type socket_filter
    .license "GPL"

            r0 = -1             ; keep the whole packet
            exit                ; return r0
  `,
});

const countPackets = lesson({
  id: 'count-packets',
  title: 'Count packets in an array map',
  level: 'maps',
  summary: 'bpf_map_lookup_elem gives a pointer into an array map, checked for NULL, and an atomic add counts the packet. The run repeats 5 times, so the counter ends at 5.',
  tryNext: [
    'Delete the NULL check (if r0 == 0 goto out) and Load: "R0 invalid mem access \'map_value_or_null\'".',
    'Use key 1 (*(u32 *)(r10 -4) = 1): the array has one entry, so the lookup returns NULL and nothing is counted.',
    'Replace the lock line by r1 = *(u64 *)(r0 +0), r1 += 1, *(u64 *)(r0 +0) = r1: same result here, but two CPUs could lose counts.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN, repeat: 5 },
  expect: {
    load: { accepted: true },
    run: { retval: 0xffffffff, verdict: 'keep all 40 bytes', maps: [{ name: 'counts', entries: [{ key: '00000000', value: '0500000000000000' }] }] },
  },
  body: `
    ; Count packets in an array map.
    ;
    ; bpf_map_lookup_elem(map, &key) returns a pointer to the value stored under
    ; the key, or NULL. An array map has every key from 0 to entries-1 from the
    ; start, but the verifier knows only the helper's type ("map value or NULL"),
    ; so the program must check for NULL before using the pointer.
    ; The count is incremented with an atomic add (lock ... +=) because the same
    ; program may run on several CPUs at once.
    .type socket_filter
    .license "GPL"
    .map counts array key=4 value=8 entries=1

            *(u32 *)(r10 -4) = 0          ; the key, 0, on the stack (r10 is the frame pointer)
            r2 = r10
            r2 += -4                      ; r2 = &key
            r1 = map[counts] ll           ; r1 = the map
            call bpf_map_lookup_elem      ; r0 = &counts[0], or NULL
            if r0 == 0 goto out           ; the NULL check the verifier insists on
            r1 = 1
            lock *(u64 *)(r0 +0) += r1    ; counts[0] += 1, atomically
    out:    r0 = -1                       ; keep the packet
            exit
  `,
});

const ldAbs = lesson({
  id: 'ld-abs-parse',
  title: 'Parse Ethernet and IPv4 with LD_ABS',
  level: 'packets',
  summary: 'Classic BPF\'s packet loads in eBPF: LD_ABS reads the packet of the skb in r6 in host byte order, and ends the program if the offset is past the end. This filter keeps TCP over IPv4 and drops the rest.',
  tryNext: [
    'Run it on the UDP (DNS) packet: it is dropped (retval 0).',
    'Remove r6 = r1 and Load: "R6 !read_ok" (LD_ABS needs the skb in r6).',
    'Read skb[9] instead of skb[-1048567]: here skb->data is at the IPv4 header, so it is the same byte; on a packet socket it would be byte 9 of the Ethernet header.',
    'Change .type to kprobe: "BPF_LD_[ABS|IND] instructions not allowed for this program type".',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: { load: { accepted: true }, run: { retval: 0xffffffff, verdict: 'keep all 40 bytes' } },
  body: `
    ; Parse Ethernet and IPv4 with LD_ABS: keep only TCP over IPv4.
    ;
    ; LD_ABS (r0 = *(u16 *)skb[k]) is classic BPF's packet load, kept in eBPF for
    ; socket filters and tc programs. It reads the skb in r6, returns the bytes
    ; in host order (no byte swap needed) and, if k is past the end of the
    ; packet, ends the program with r0 = 0: no bounds check needed.
    ; Where offset 0 is depends on the socket; bpflab runs a socket filter as the
    ; kernel's test run does, with skb->data at the IPv4 header. Two special
    ; bases mean the same everywhere:
    ;   SKF_NET_OFF (-0x100000) + k   byte k of the network (IPv4) header
    ;   SKF_LL_OFF  (-0x200000) + k   byte k of the Ethernet header
    .type socket_filter
    .license "GPL"

            r6 = r1                       ; LD_ABS reads the skb in r6
            r0 = *(u16 *)skb[-2097140]    ; SKF_LL_OFF + 12: the ethertype
            if r0 != 0x800 goto drop      ; not IPv4
            r0 = *(u8 *)skb[-1048567]     ; SKF_NET_OFF + 9: the IPv4 protocol
            if r0 != 6 goto drop          ; not TCP
            r0 = -1                       ; keep the whole packet
            exit
    drop:   r0 = 0
            exit
  `,
});

const hashCounts = lesson({
  id: 'hash-per-protocol',
  title: 'Count per protocol in a hash map',
  level: 'maps',
  summary: 'A hash map holds only the keys put in it: a lookup of a new key gives NULL, and bpf_map_update_elem inserts it. The map starts with one element from an .entry line; three UDP packets add a second.',
  tryNext: [
    'Run it on the TCP packet: the count of protocol 6 goes from 10 to 13.',
    'Change the flags r4 = 1 (BPF_NOEXIST) to r4 = 2 (BPF_EXIST): the insert fails with -ENOENT and the map keeps one element.',
    'Make the map entries=1: the insert of a second key fails with -E2BIG.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: UDP_DNS, repeat: 3 },
  maps: [{ map: 'by_proto', entries: [{ key: '06000000', value: '0a00000000000000' }] }],
  expect: {
    load: { accepted: true },
    run: {
      retval: 0xffffffff,
      verdict: 'keep all 40 bytes',
      maps: [{ name: 'by_proto', entries: [{ key: '06000000', value: '0a00000000000000' }, { key: '11000000', value: '0300000000000000' }] }],
    },
  },
  body: `
    ; Count packets per IP protocol in a hash map.
    ;
    ; A hash map holds only the keys put in it. A lookup of a new key gives NULL,
    ; and the program inserts the key with bpf_map_update_elem(map, &key, &value,
    ; flags). BPF_NOEXIST (1) makes the insert fail if the key appeared meanwhile
    ; (another CPU may run the same program). The .entry line puts protocol 6
    ; (TCP) with a count of 10 in the map before the program runs: key and value
    ; are bytes in memory order, so 6 as a u32 is 06000000.
    .type socket_filter
    .license "GPL"
    .map by_proto hash key=4 value=8 entries=64
    .entry by_proto key=06000000 value=0a00000000000000

            r6 = r1
            r0 = *(u8 *)skb[-1048567]     ; SKF_NET_OFF + 9: the IPv4 protocol
            *(u32 *)(r10 -4) = r0         ; key = protocol
            r2 = r10
            r2 += -4
            r1 = map[by_proto] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto insert
            r1 = 1
            lock *(u64 *)(r0 +0) += r1    ; seen before: count it
            goto out
    insert: *(u64 *)(r10 -16) = 1         ; first packet of this protocol: value 1
            r1 = map[by_proto] ll
            r2 = r10
            r2 += -4                      ; &key
            r3 = r10
            r3 += -16                     ; &value
            r4 = 1                        ; BPF_NOEXIST
            call bpf_map_update_elem      ; 0, or a negative errno
    out:    r0 = -1
            exit
  `,
});

const oneShot = lesson({
  id: 'one-shot-tickets',
  title: 'Delete from a map: one-shot tickets',
  level: 'maps',
  summary: 'bpf_map_delete_elem returns 0 when it removed the key and -ENOENT when there was none. The map holds addresses allowed one packet: the first packet is kept and its ticket deleted, the second (the run repeats twice) is dropped.',
  tryNext: [
    'Set repeat to 1: the only run keeps the packet (retval -1) and the map ends empty.',
    'Change the .entry key to 0a000001 (the address in network order): no ticket matches, because LD_ABS gave the address in host order.',
    'Add a second ticket with another .entry line and send a packet from that address.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN, repeat: 2 },
  maps: [{ map: 'tickets', entries: [{ key: '0100000a', value: '01000000' }] }],
  expect: { load: { accepted: true }, run: { retval: 0, verdict: 'drop', maps: [{ name: 'tickets', entries: [] }] } },
  body: `
    ; One-shot tickets: bpf_map_delete_elem.
    ;
    ; The map holds the source addresses allowed to send one packet. Deleting
    ; the sender's ticket returns 0 if there was one (keep the packet) and
    ; -ENOENT (-2) if not (drop it).
    ; LD_ABS gives the address as a number in host order: 10.0.0.1 is
    ; 0x0a000001, which sits in memory as the bytes 01 00 00 0a (x86 is
    ; little-endian). That is the key the program builds, and what .entry holds.
    .type socket_filter
    .license "GPL"
    .map tickets hash key=4 value=4 entries=16
    .entry tickets key=0100000a value=01000000

            r6 = r1
            r0 = *(u32 *)skb[-1048564]    ; SKF_NET_OFF + 12: the source address
            *(u32 *)(r10 -4) = r0         ; key = source address
            r1 = map[tickets] ll
            r2 = r10
            r2 += -4
            call bpf_map_delete_elem      ; 0: there was a ticket; -2: none
            if r0 != 0 goto drop
            r0 = -1                       ; a ticket: keep the packet
            exit
    drop:   r0 = 0
            exit
  `,
});

const perCpu = lesson({
  id: 'per-cpu-counters',
  title: 'Per-CPU counters',
  level: 'maps',
  summary: 'A per-CPU map keeps one copy of each value per CPU, and a lookup returns the running CPU\'s copy, so plain loads and stores are safe without atomics. User space sees every CPU\'s copy and adds them up. bpf_get_smp_processor_id says which CPU runs the program.',
  tryNext: [
    'Look at the map view: each value has one copy per CPU, and only CPU 0\'s changed (bpflab runs programs on CPU 0).',
    'Use lock *(u64 *)(r0 +0) += r1 in the per-CPU array: it works, but the atomic is wasted work.',
    'Declare bytes_by_cpu as hash: the same program, but one value shared by every CPU.',
  ],
  progType: 'socket_filter',
  privileged: true,
  input: { packet: TCP_SYN, repeat: 3 },
  expect: {
    load: { accepted: true },
    run: {
      retval: 0xffffffff,
      verdict: 'keep all 40 bytes',
      maps: [
        { name: 'packets', entries: [{ key: '00000000', value: '0300000000000000' + '0000000000000000' }] },
        { name: 'bytes_by_cpu', entries: [{ key: '00000000', value: '7800000000000000' + '0000000000000000' }] },
      ],
    },
  },
  body: `
    ; Per-CPU counters: percpu_array and percpu_hash.
    ;
    ; A per-CPU map keeps one copy of every value per CPU. A lookup returns the
    ; copy of the CPU the program runs on, and no other CPU touches it, so a
    ; plain load, add and store is safe: no atomic needed. User space reads all
    ; the copies (value_size rounded up to 8, times the number of CPUs) and adds
    ; them up. bpflab's machine has 2 CPUs and runs programs on CPU 0.
    ; bpf_get_smp_processor_id() returns the running CPU's number; here it keys
    ; a per-CPU hash that sums packet lengths (skb->len, ctx offset 0).
    .type socket_filter
    .license "GPL"
    .map packets percpu_array key=4 value=8 entries=1
    .map bytes_by_cpu percpu_hash key=4 value=8 entries=64

            r6 = r1
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[packets] ll
            call bpf_map_lookup_elem      ; this CPU's copy of packets[0]
            if r0 == 0 goto bytes
            r1 = *(u64 *)(r0 +0)
            r1 += 1
            *(u64 *)(r0 +0) = r1          ; a plain increment: the copy is ours
    bytes:  call bpf_get_smp_processor_id
            *(u32 *)(r10 -8) = r0         ; key = this CPU's number
            r7 = *(u32 *)(r6 +0)          ; skb->len
            r2 = r10
            r2 += -8
            r1 = map[bytes_by_cpu] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto new
            r1 = *(u64 *)(r0 +0)
            r1 += r7
            *(u64 *)(r0 +0) = r1
            goto out
    new:    *(u64 *)(r10 -16) = r7        ; the first packet on this CPU
            r1 = map[bytes_by_cpu] ll
            r2 = r10
            r2 += -8
            r3 = r10
            r3 += -16
            r4 = 1                        ; BPF_NOEXIST
            call bpf_map_update_elem
    out:    r0 = -1
            exit
  `,
});

export const BASIC_LESSONS: Lesson[] = [returnConstant, countPackets, ldAbs, hashCounts, oneShot, perCpu];
