/**
 * Lessons that change what a packet is: tunnel metadata, IPv4 to IPv6 (NAT64) with the protocol
 * and packet-type helpers, and an XDP program that turns a ping into its reply.
 */
import { lesson } from './define';
import { ICMP_ECHO, TCP_SYN } from './frames';
import type { Lesson } from './types';

const tunnel = lesson({
  id: 'tunnel-key',
  title: 'Tunnel metadata: set and get the tunnel key',
  level: 'tc',
  summary: 'On a tunnel device in collect-metadata mode, a tc program picks each packet\'s tunnel with bpf_skb_set_tunnel_key (and geneve options with bpf_skb_set_tunnel_opt); on receive, bpf_skb_get_tunnel_key and bpf_skb_get_tunnel_opt read them. Reading back what was just set shows which fields each side uses.',
  tryNext: [
    'Pass size 27 to bpf_skb_set_tunnel_key: -EINVAL (-22); the key is 28 bytes (or one of the older sizes 8, 22, 24).',
    'Set the flags of bpf_skb_get_tunnel_key to 1 (BPF_F_TUNINFO_IPV6): -EPROTO (-71), the metadata is IPv4.',
    'Call bpf_skb_get_tunnel_key before setting a key: -EINVAL, a test packet has no tunnel metadata, and the buffer is zeroed.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: {
    load: { accepted: true },
    run: {
      retval: 0,
      verdict: 'TC_ACT_OK',
      maps: [{ name: 'got', entries: [{ key: '00000000', value: '2a00000000000000000000000000000000000000004000000000000000000000feffffff00000000' }] }],
    },
  },
  body: `
    ; Tunnel metadata: set and get the tunnel key.
    ;
    ; A vxlan or geneve device in "external" (collect metadata) mode leaves the
    ; choice of tunnel to a tc program: bpf_skb_set_tunnel_key(skb, &key, 28, 0)
    ; attaches a struct bpf_tunnel_key to the packet, and the device
    ; encapsulates it accordingly:
    ;   u32 tunnel_id (the VNI); u32 remote_ipv4 (host order); ...;
    ;   u8 tunnel_tos at 20; u8 tunnel_ttl at 21; u16 tunnel_ext; u32 tunnel_label
    ; bpf_skb_get_tunnel_key reads the key of a packet that came out of a
    ; tunnel; its remote is the outer *source* address. Reading back a key this
    ; program set shows that: the id and ttl come back, the remote reads 0.
    ; Geneve options work the same way with bpf_skb_set_tunnel_opt and
    ; bpf_skb_get_tunnel_opt; 4.8's set does not mark options as present, so
    ; the get answers -ENOENT (-2) here. It only sees options that came in.
    .type sched_cls
    .license "GPL"
    .map got array key=4 value=40 entries=1     ; key read back, its result, the option's result

            r6 = r1
            *(u64 *)(r10 -32) = 0         ; struct bpf_tunnel_key at fp-32, zeroed
            *(u64 *)(r10 -24) = 0
            *(u64 *)(r10 -16) = 0
            *(u32 *)(r10 -8) = 0
            *(u32 *)(r10 -32) = 42        ; tunnel_id: VNI 42
            *(u32 *)(r10 -28) = 0xc0a80102    ; remote_ipv4: 192.168.1.2
            *(u8 *)(r10 -11) = 64         ; tunnel_ttl (offset 21)
            r1 = r6
            r2 = r10
            r2 += -32
            r3 = 28
            r4 = 0
            call bpf_skb_set_tunnel_key
            r1 = 0xefbeadde01800201 ll    ; a geneve option: class 0x0102, type 0x80, 4 bytes
            *(u64 *)(r10 -40) = r1
            r1 = r6
            r2 = r10
            r2 += -40
            r3 = 8
            call bpf_skb_set_tunnel_opt
            *(u64 *)(r10 -72) = 0         ; the key read back goes to fp-72, zeroed:
            *(u64 *)(r10 -64) = 0         ; get_tunnel_key leaves the fields it does
            *(u64 *)(r10 -56) = 0         ; not use as they were
            *(u32 *)(r10 -48) = 0
            r1 = r6
            r2 = r10
            r2 += -72
            r3 = 28
            r4 = 0
            call bpf_skb_get_tunnel_key
            r7 = r0
            r1 = r6
            r2 = r10
            r2 += -80
            r3 = 8
            call bpf_skb_get_tunnel_opt
            r8 = r0
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[got] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto out
            r1 = *(u64 *)(r10 -72)        ; copy the key read back
            *(u64 *)(r0 +0) = r1
            r1 = *(u64 *)(r10 -64)
            *(u64 *)(r0 +8) = r1
            r1 = *(u64 *)(r10 -56)
            *(u64 *)(r0 +16) = r1
            r1 = *(u32 *)(r10 -48)
            *(u32 *)(r0 +24) = r1
            *(u32 *)(r0 +28) = r7         ; what get_tunnel_key returned
            *(u32 *)(r0 +32) = r8         ; what get_tunnel_opt returned
    out:    r0 = 0
            exit
  `,
});

const nat64 = lesson({
  id: 'nat64',
  title: 'IPv4 to IPv6 in place (NAT64)',
  level: 'tc',
  summary: 'bpf_skb_change_proto makes room for an IPv6 header and sets skb->protocol; the program writes the header (addresses mapped into 64:ff9b::/96), the ethertype and the TCP checksum for the new pseudo-header. bpf_skb_change_type marks the packet as addressed to this host.',
  tryNext: [
    'Map into 2001:db8::/96 instead (r1 = 0xb80d0120 ll): now the TCP checksum changes, and without the l4_csum_replace call it would not verify.',
    'Delete the protocol check and run it on the VLAN-tagged packet: bpf_skb_change_proto answers -ENOTSUPP (-524), a kernel-internal errno only BPF programs see, and the packet is dropped.',
    'Give bpf_skb_change_type the type 4: -EINVAL, only PACKET_HOST (0) to PACKET_OTHERHOST (3) are allowed.',
  ],
  progType: 'sched_cls',
  privileged: true,
  input: { packet: TCP_SYN },
  expect: {
    load: { accepted: true },
    run: {
      retval: 0,
      verdict: 'TC_ACT_OK',
      dataOut: '525400123456525400abcdef86dd60000000001406400064ff9b00000000000000000a0000010064ff9b00000000000000000a0000029c40005000000001000000005002faf0045e0000',
      maps: [{ name: 'pkt_types', entries: [{ key: '00000000', value: '0300000000000000' }] }],
    },
  },
  body: `
    ; IPv4 to IPv6 in place (NAT64).
    ;
    ; bpf_skb_change_proto(skb, htons(ETH_P_IPV6), 0) grows the network header
    ; by the 20 bytes IPv6 needs more than IPv4 (zeros at offset 14) and sets
    ; skb->protocol; writing the header is the program's job. IPv4 addresses
    ; map into IPv6 under the prefix 64:ff9b::/96 (RFC 6052). The TCP checksum
    ; covers the addresses of the pseudo-header, so it changes by the difference
    ; between the old addresses (8 bytes) and the new ones (32 bytes):
    ; bpf_csum_diff computes it, bpf_l4_csum_replace adds it. (For this prefix
    ; the difference happens to be nothing: 0x0064 + 0xff9b = 0xffff, which is
    ; 0 in one's complement, so 64:ff9b::/96 is checksum-neutral by design.)
    ; The test packet is addressed to another host's MAC, so it arrives as
    ; PACKET_OTHERHOST (3), which IP would drop; bpf_skb_change_type(skb, 0)
    ; makes it PACKET_HOST.
    .type sched_cls
    .license "GPL"
    .map pkt_types array key=4 value=8 entries=1    ; pkt_type before, after

            r6 = r1
            r1 = *(u32 *)(r6 +16)         ; skb->protocol
            if r1 != 0x8 goto pass        ; htons(0x0800): IPv4 only
            r1 = r6
            r2 = 26                       ; IPv4 source and destination
            r3 = r10
            r3 += -8
            r4 = 8
            call bpf_skb_load_bytes       ; old addresses at fp-8
            if r0 != 0 goto pass
            r7 = *(u32 *)(r6 +0)          ; skb->len
            r7 += -34                     ; minus Ethernet and IPv4 headers: the TCP length
            r7 = be16 r7                  ; in network order
            r1 = r6
            r2 = 0xdd86                   ; htons(ETH_P_IPV6)
            r3 = 0
            call bpf_skb_change_proto
            if r0 != 0 goto drop
            *(u32 *)(r10 -48) = 0x60      ; the IPv6 header at fp-48: version 6
            *(u16 *)(r10 -44) = r7        ; payload length
            *(u8 *)(r10 -42) = 6          ; next header: TCP
            *(u8 *)(r10 -41) = 64         ; hop limit
            r1 = 0x9bff6400 ll            ; 00 64 ff 9b 00 00 00 00: the prefix (ll: a plain
                                          ; r1 = 0x9bff6400 would sign-extend to 0xffffffff9bff6400)
            *(u64 *)(r10 -40) = r1        ; source: 64:ff9b::10.0.0.1
            *(u32 *)(r10 -32) = 0
            r2 = *(u32 *)(r10 -8)
            *(u32 *)(r10 -28) = r2
            *(u64 *)(r10 -24) = r1        ; destination: 64:ff9b::10.0.0.2
            *(u32 *)(r10 -16) = 0
            r2 = *(u32 *)(r10 -4)
            *(u32 *)(r10 -12) = r2
            r1 = r6
            r2 = 14
            r3 = r10
            r3 += -48
            r4 = 40
            r5 = 0
            call bpf_skb_store_bytes      ; write the IPv6 header
            *(u16 *)(r10 -50) = 0xdd86    ; ethertype 86 dd
            r1 = r6
            r2 = 12
            r3 = r10
            r3 += -50
            r4 = 2
            r5 = 0
            call bpf_skb_store_bytes
            r1 = r10
            r1 += -8                      ; from: the IPv4 addresses
            r2 = 8
            r3 = r10
            r3 += -40                     ; to: the IPv6 addresses
            r4 = 32
            r5 = 0
            call bpf_csum_diff
            r1 = r6
            r2 = 70                       ; 14 + 40 + 16: TCP checksum
            r3 = 0
            r4 = r0
            r5 = 0x10                     ; BPF_F_PSEUDO_HDR, size 0: add the difference
            call bpf_l4_csum_replace
            r7 = *(u32 *)(r6 +4)          ; skb->pkt_type before
            r1 = r6
            r2 = 0                        ; PACKET_HOST
            call bpf_skb_change_type
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[pkt_types] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto pass
            *(u32 *)(r0 +0) = r7
            r1 = *(u32 *)(r6 +4)          ; skb->pkt_type after
            *(u32 *)(r0 +4) = r1
    pass:   r0 = 0                        ; TC_ACT_OK
            exit
    drop:   r0 = 2                        ; TC_ACT_SHOT
            exit
  `,
});

const xdpPong = lesson({
  id: 'xdp-ping-reply',
  title: 'XDP: answer pings from the driver',
  level: 'packets',
  summary: 'An XDP program sees the packet before the kernel allocates an skb and may write it directly. This one turns an ICMP echo request into the reply (swapping MAC and IP addresses, type 8 to 0, checksum adjusted) and sends it back out with XDP_TX.',
  tryNext: [
    'Run it on the TCP packet: XDP_PASS, the packet goes on to the stack unchanged.',
    'Change .type to sched_cls: offset 0 of its context is skb->len, a number, so the first packet read is refused ("R2 invalid mem access \'inv\'"); tc finds data at 76, and 4.8 lets it only read through it.',
    'Return 1 (XDP_DROP) for pings instead: the cheapest firewall there is.',
  ],
  progType: 'xdp',
  privileged: true,
  input: { packet: ICMP_ECHO },
  expect: { load: { accepted: true }, run: { retval: 3, verdict: 'XDP_TX', dataOut: '525400abcdef52540012345608004500002012344000400114a70a0000020a00000100003b370001000161626364' } },
  body: `
    ; XDP: answer pings from the driver.
    ;
    ; An XDP program runs in the network driver, on the raw frame, before an
    ; skb exists. Its ctx (struct xdp_md) has data at 0 and data_end at 4, and
    ; unlike tc in 4.8 it may write through them. It returns an action:
    ; XDP_ABORTED 0, XDP_DROP 1, XDP_PASS 2, XDP_TX 3 (send back out of the
    ; same port).
    ; An echo reply is the request with the addresses swapped and ICMP type 0
    ; instead of 8. Swapping addresses leaves the IPv4 checksum as it is; the
    ; ICMP checksum grows by 0x0800 (RFC 1624), with the carry folded back.
    .type xdp
    .license "GPL"

            r2 = *(u32 *)(r1 +0)          ; data
            r3 = *(u32 *)(r1 +4)          ; data_end
            r4 = r2
            r4 += 38                      ; Ethernet, IPv4, ICMP type, code, checksum
            if r4 > r3 goto pass
            r4 = *(u16 *)(r2 +12)
            if r4 != 0x8 goto pass        ; not IPv4
            r4 = *(u8 *)(r2 +23)
            if r4 != 1 goto pass          ; not ICMP
            r4 = *(u8 *)(r2 +34)
            if r4 != 8 goto pass          ; not an echo request
            r4 = *(u32 *)(r2 +0)          ; swap the MAC addresses
            r5 = *(u16 *)(r2 +4)
            r0 = *(u32 *)(r2 +6)
            *(u32 *)(r2 +0) = r0
            r0 = *(u16 *)(r2 +10)
            *(u16 *)(r2 +4) = r0
            *(u32 *)(r2 +6) = r4
            *(u16 *)(r2 +10) = r5
            r4 = *(u32 *)(r2 +26)         ; swap the IPv4 addresses
            r5 = *(u32 *)(r2 +30)
            *(u32 *)(r2 +26) = r5
            *(u32 *)(r2 +30) = r4
            *(u8 *)(r2 +34) = 0           ; echo reply
            r4 = *(u16 *)(r2 +36)         ; ICMP checksum
            r4 = be16 r4                  ; as a number
            r4 += 0x800                   ; the type byte went down by 8
            r5 = r4
            r5 >>= 16                     ; fold the carry back in
            r4 += r5
            r4 = be16 r4                  ; back to network order (keeps 16 bits)
            *(u16 *)(r2 +36) = r4
            r0 = 3                        ; XDP_TX
            exit
    pass:   r0 = 2                        ; XDP_PASS
            exit
  `,
});

export const ENCAP_LESSONS: Lesson[] = [tunnel, nat64, xdpPong];
