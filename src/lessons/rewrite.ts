/**
 * Lessons that change packets in tc: rewriting an address and a port with the checksum helpers,
 * and VLAN tags. (encap.ts has tunnels, NAT64 and XDP.)
 */
import { lesson } from './define';
import { TCP_SYN, TCP_SYN_VLAN } from './frames';
import type { Lesson } from './types';

const dnat = lesson({
  id: 'csum-dnat',
  title: 'Rewrite the destination address and fix the checksums',
  level: 'tc',
  summary: 'bpf_skb_store_bytes writes into the packet; bpf_l3_csum_replace and bpf_l4_csum_replace patch the IPv4 and TCP checksums for the changed address instead of recomputing them. The SYN to 10.0.0.2 leaves for 10.0.0.99 with valid checksums.',
  tryNext: [
    'Delete the bpf_l4_csum_replace call and Run: the address changes but the TCP checksum no longer verifies.',
    'Give bpf_l3_csum_replace the size 3 (r5 = 3): it returns -EINVAL (-22) and the IPv4 checksum stays wrong.',
    'Rewrite the source address (offset 26) instead, as SNAT does.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: {
    load: { accepted: true },
    run: {
      retval: 0,
      verdict: 'TC_ACT_OK',
      dataOut: '525400123456525400abcdef08004500002812344000400614390a0000010a0000639c40005000000001000000005002faf003fd0000',
    },
  },
  body: `
    ; Rewrite the destination address and fix the checksums (DNAT).
    ;
    ; bpf_skb_store_bytes(skb, offset, &from, len, flags) writes into the packet.
    ; A new destination address breaks two checksums: the IPv4 header's and
    ; TCP's, which covers a pseudo-header holding the addresses. The helpers
    ; patch a checksum for a changed field (RFC 1624) rather than recompute it:
    ;   bpf_l3_csum_replace(skb, offset of the checksum, old, new, size)
    ;   bpf_l4_csum_replace(skb, offset of the checksum, old, new, flags)
    ; with size 2 or 4 in the low bits of flags, and BPF_F_PSEUDO_HDR (0x10) for
    ; a field of the pseudo-header. old and new are the raw bytes as a load from
    ; memory gives them, which is what bpf_skb_load_bytes copies.
    ; Offsets: IPv4 header at 14, its checksum at 24, destination at 30; TCP
    ; header at 34, its checksum at 50.
    .type sched_cls
    .license "GPL"

            r6 = r1
            r1 = r6
            r2 = 30                       ; the destination address
            r3 = r10
            r3 += -8
            r4 = 4
            call bpf_skb_load_bytes       ; 4 bytes at fp-8
            if r0 != 0 goto out           ; packet too short
            r7 = *(u32 *)(r10 -8)         ; old address, raw
            r8 = 0x6300000a               ; 10.0.0.99: the bytes 0a 00 00 63 as a u32
            *(u32 *)(r10 -4) = r8
            r1 = r6
            r2 = 50                       ; TCP checksum
            r3 = r7
            r4 = r8
            r5 = 0x14                     ; BPF_F_PSEUDO_HDR | 4 bytes
            call bpf_l4_csum_replace
            r1 = r6
            r2 = 24                       ; IPv4 header checksum
            r3 = r7
            r4 = r8
            r5 = 4                        ; 4 bytes
            call bpf_l3_csum_replace
            r1 = r6
            r2 = 30                       ; the address itself
            r3 = r10
            r3 += -4
            r4 = 4
            r5 = 0
            call bpf_skb_store_bytes
    out:    r0 = 0                        ; TC_ACT_OK
            exit
  `,
});

const portRewrite = lesson({
  id: 'csum-diff-port',
  title: 'Rewrite a port with csum_diff',
  level: 'tc',
  summary: 'bpf_csum_diff computes the checksum difference between two buffers, and l4_csum_replace with size 0 applies such a difference. The program moves the connection from port 80 to 8080.',
  tryNext: [
    'Diff 2 bytes (r2 = 2, r4 = 2): 4.8 wants sizes that are multiples of 4, and csum_diff returns -EINVAL (-22).',
    'Write 8080 as *(u16 *)(r10 -14) = 0x1f90: the port is stored in network order, so the bytes come out reversed (port 36895).',
    'Run it on the DNS packet: the UDP checksum is at 40, not 50; the rewrite breaks it.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: {
    load: { accepted: true },
    run: {
      retval: 0,
      verdict: 'TC_ACT_OK',
      dataOut: '525400123456525400abcdef080045000028123440004006149a0a0000010a0000029c401f9000000001000000005002faf0e51d0000',
    },
  },
  body: `
    ; Rewrite a port with csum_diff.
    ;
    ; bpf_csum_diff(&from, from_size, &to, to_size, seed) sums the words of "to"
    ; minus those of "from" (sizes in multiples of 4 bytes, on the stack): the
    ; amount a checksum over them changes by. bpf_l4_csum_replace with size 0
    ; in its flags adds such a difference to the checksum (old must be 0).
    ; The ports are bytes 34-37 of the packet: source port, destination port.
    .type sched_cls
    .license "GPL"

            r6 = r1
            r1 = r6
            r2 = 34                       ; TCP source and destination ports
            r3 = r10
            r3 += -8
            r4 = 4
            call bpf_skb_load_bytes       ; old ports at fp-8
            if r0 != 0 goto out
            r1 = *(u32 *)(r10 -8)
            *(u32 *)(r10 -16) = r1        ; a copy at fp-16 ...
            *(u16 *)(r10 -14) = 0x901f    ; ... with destination port 8080 (bytes 1f 90)
            r1 = r10
            r1 += -8                      ; from: old ports
            r2 = 4
            r3 = r10
            r3 += -16                     ; to: new ports
            r4 = 4
            r5 = 0                        ; seed
            call bpf_csum_diff
            r1 = r6
            r2 = 50                       ; TCP checksum
            r3 = 0                        ; old: 0 with size 0
            r4 = r0                       ; the difference
            r5 = 0                        ; size 0: add a difference
            call bpf_l4_csum_replace
            r1 = r6
            r2 = 34
            r3 = r10
            r3 += -16
            r4 = 4
            r5 = 0
            call bpf_skb_store_bytes      ; write the new ports
    out:    r0 = 0
            exit
  `,
});

const vlan = lesson({
  id: 'vlan-pop-push',
  title: 'Pop and push VLAN tags',
  level: 'tc',
  summary: 'bpf_skb_vlan_pop removes the 802.1Q tag from the frame; bpf_skb_vlan_push adds one, which the kernel keeps beside the packet (in skb->vlan_tci) until the driver writes it. The packet in VLAN 100 leaves untagged in the frame, tagged 200 in its metadata.',
  tryNext: [
    'Run it on the untagged TCP packet: pop finds no tag and changes nothing.',
    'Push twice: the first tag moves into the frame (len grows by 4) and the second becomes the metadata tag.',
    'Read the packet with data/data_end after the pop without checking again: the helper invalidated the packet pointers, and the verifier says so.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN_VLAN },
  expect: {
    load: { accepted: true },
    run: {
      retval: 0,
      verdict: 'TC_ACT_OK',
      dataOut: TCP_SYN,
      maps: [{ name: 'seen', entries: [{ key: '00000000', value: '0800000036000000' + '01000000c8000000' }] }],
    },
  },
  body: `
    ; Pop and push VLAN tags.
    ;
    ; bpf_skb_vlan_pop(skb) removes the outer VLAN tag: here the 802.1Q tag in
    ; the frame (4 bytes after the MAC addresses), so the frame gets 4 bytes
    ; shorter and skb->protocol becomes the ethertype inside, IPv4.
    ; bpf_skb_vlan_push(skb, proto, tci) adds a tag. proto is a __be16:
    ; htons(0x8100) is 0x0081 in a register. With no tag present, the new tag
    ; is only metadata (skb->vlan_tci, which the ctx shows as vlan_present and
    ; vlan_tci): the frame itself is unchanged until a driver sends it.
    ; Both helpers may move the packet, so they invalidate packet pointers.
    .type sched_cls
    .license "GPL"
    .map seen array key=4 value=16 entries=1    ; protocol, len, vlan_present, vlan_tci

            r6 = r1
            r1 = r6
            call bpf_skb_vlan_pop         ; tag 100 leaves the frame
            r1 = r6
            r2 = 0x81                     ; htons(ETH_P_8021Q)
            r3 = 200                      ; VLAN id 200, priority 0
            call bpf_skb_vlan_push
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[seen] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto out
            r1 = *(u32 *)(r6 +16)         ; skb->protocol (network order: 0x0008)
            *(u32 *)(r0 +0) = r1
            r1 = *(u32 *)(r6 +0)          ; skb->len
            *(u32 *)(r0 +4) = r1
            r1 = *(u32 *)(r6 +20)         ; skb->vlan_present
            *(u32 *)(r0 +8) = r1
            r1 = *(u32 *)(r6 +24)         ; skb->vlan_tci
            *(u32 *)(r0 +12) = r1
    out:    r0 = 0
            exit
  `,
});

export const REWRITE_LESSONS: Lesson[] = [dnat, portRewrite, vlan];
