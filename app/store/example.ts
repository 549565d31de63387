/** The program a first visit opens with: it parses a packet, counts it in a map and prints to trace_pipe. */
export const EXAMPLE_PROGRAM = `# Count IPv4 packets by IP protocol in a hash map, and print each one to trace_pipe.
# Load it (Ctrl+Enter), then Step (F10) or Run (F5); the input is in the Context panel.
.type sched_cls
.license "GPL"
.map counts hash key=4 value=8 entries=256

    r6 = r1                        # keep the context (struct __sk_buff *)
    r2 = *(u32 *)(r6 +76)          # skb->data
    r3 = *(u32 *)(r6 +80)          # skb->data_end
    r4 = r2
    r4 += 34                       # Ethernet (14) + IPv4 header (20)
    if r4 > r3 goto out            # the verifier insists on this bounds check
    r7 = *(u8 *)(r2 +23)           # the IPv4 protocol field
    *(u32 *)(r10 -4) = r7          # the map key, on the stack
    r1 = map[counts] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto first          # ... and on this null check
    r1 = 1
    lock *(u64 *)(r0 +0) += r1     # counts[protocol]++
    goto print
first:
    r1 = 1
    *(u64 *)(r10 -16) = r1         # the first count, on the stack
    r1 = map[counts] ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 0                         # BPF_ANY
    call bpf_map_update_elem
print:
    r1 = 0x6425206f746f7270 ll     # "proto %d" ...
    *(u64 *)(r10 -16) = r1
    r1 = 10                        # ... "\\n" and the NUL
    *(u64 *)(r10 -8) = r1
    r1 = r10
    r1 += -16
    r2 = 10
    r3 = r7
    call bpf_trace_printk
out:
    r0 = 0                         # TC_ACT_OK
    exit
`;
