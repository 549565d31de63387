/**
 * The helper functions of enum bpf_func_id: ids, the header's documentation, and the 4.8
 * verifier's prototypes (argument and return kinds, gpl_only, which map types each accepts).
 * Implementations live in kernel/helpers; which program types offer each is the program types'
 * (kernel/progtypes, their func_proto). This is data only.
 */
import { MapType } from './enums';

export type ArgKind =
  | 'dontcare'
  | 'anything'
  | 'const_map_ptr'
  | 'ptr_to_map_key'
  | 'ptr_to_map_value'
  | 'ptr_to_stack'
  | 'ptr_to_raw_stack'
  | 'const_stack_size'
  | 'const_stack_size_or_zero'
  | 'ptr_to_ctx';
type RetKind = 'integer' | 'void' | 'map_value_or_null';

export interface HelperProto {
  id: number;
  /** without the bpf_ prefix, as in BPF_FUNC_<name> */
  name: string;
  /** a C prototype for hovers and completion */
  signature: string;
  /** the header's doc comment, or a one-line summary where the header has none */
  doc: string;
  ret: RetKind;
  args: [ArgKind, ArgKind, ArgKind, ArgKind, ArgKind];
  gplOnly: boolean;
  /** the call makes every packet pointer unknown (the packet may move) */
  invalidatesPacket: boolean;
  /** map types accepted by its map argument, if it has one */
  mapTypes?: readonly number[];
  /** not in the seed header's enum, though in 4.8's */
  notInSeed?: boolean;
}

const D = 'dontcare' as const;
const GENERIC_MAPS = [MapType.Hash, MapType.Array, MapType.PercpuHash, MapType.PercpuArray];

type Row = Omit<HelperProto, 'invalidatesPacket' | 'gplOnly'> & { invalidatesPacket?: boolean; gplOnly?: boolean };
const row = (r: Row): HelperProto => ({ invalidatesPacket: false, gplOnly: false, ...r });

export const HELPERS: readonly HelperProto[] = [
  row({ id: 0, name: 'unspec', signature: '', doc: 'Not a helper: id 0 is never offered.', ret: 'integer', args: [D, D, D, D, D] }),
  row({
    id: 1, name: 'map_lookup_elem', signature: 'void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)',
    doc: 'Looks up key in map. Returns a pointer to the value, or NULL if there is no such entry: the program must check for NULL before using it.',
    ret: 'map_value_or_null', args: ['const_map_ptr', 'ptr_to_map_key', D, D, D], mapTypes: GENERIC_MAPS,
  }),
  row({
    id: 2, name: 'map_update_elem', signature: 'int bpf_map_update_elem(struct bpf_map *map, const void *key, const void *value, u64 flags)',
    doc: 'Creates or updates the entry for key. flags: BPF_ANY (create or update), BPF_NOEXIST (create only), BPF_EXIST (update only). Returns 0 or a negative errno.',
    ret: 'integer', args: ['const_map_ptr', 'ptr_to_map_key', 'ptr_to_map_value', 'anything', D], mapTypes: GENERIC_MAPS,
  }),
  row({
    id: 3, name: 'map_delete_elem', signature: 'int bpf_map_delete_elem(struct bpf_map *map, const void *key)',
    doc: 'Deletes the entry for key. Returns 0 or a negative errno (-ENOENT if absent, -EINVAL for arrays).',
    ret: 'integer', args: ['const_map_ptr', 'ptr_to_map_key', D, D, D], mapTypes: GENERIC_MAPS,
  }),
  row({
    id: 4, name: 'probe_read', signature: 'int bpf_probe_read(void *dst, int size, const void *src)',
    doc: 'Safely reads size bytes of kernel memory at src into the stack buffer dst. Returns 0, or a negative errno with dst zeroed.',
    ret: 'integer', args: ['ptr_to_raw_stack', 'const_stack_size', 'anything', D, D], gplOnly: true,
  }),
  row({ id: 5, name: 'ktime_get_ns', signature: 'u64 bpf_ktime_get_ns(void)', doc: 'Returns the time since boot in nanoseconds (CLOCK_MONOTONIC).', ret: 'integer', args: [D, D, D, D, D], gplOnly: true }),
  row({
    id: 6, name: 'trace_printk', signature: 'int bpf_trace_printk(const char *fmt, int fmt_size, ...)',
    doc: 'Prints a formatted line to /sys/kernel/debug/tracing/trace_pipe. At most 3 arguments; formats %d %i %u %x %ld %li %lu %lx %lld %lli %llu %llx %p %s. Returns the number of bytes written or a negative errno. For debugging only.',
    ret: 'integer', args: ['ptr_to_stack', 'const_stack_size', D, D, D], gplOnly: true,
  }),
  row({ id: 7, name: 'get_prandom_u32', signature: 'u32 bpf_get_prandom_u32(void)', doc: 'Returns a pseudo-random 32-bit number.', ret: 'integer', args: [D, D, D, D, D] }),
  row({ id: 8, name: 'get_smp_processor_id', signature: 'u32 bpf_get_smp_processor_id(void)', doc: 'Returns the id of the CPU the program runs on.', ret: 'integer', args: [D, D, D, D, D] }),
  row({
    id: 9, name: 'skb_store_bytes', signature: 'int bpf_skb_store_bytes(struct __sk_buff *skb, u32 offset, const void *from, u32 len, u64 flags)',
    doc: 'Stores len bytes from `from` into the packet at offset (from skb->mac_header). flags: bit 0 (BPF_F_RECOMPUTE_CSUM) recomputes skb->csum, bit 1 (BPF_F_INVALIDATE_HASH) clears skb->hash. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'ptr_to_stack', 'const_stack_size', 'anything'], invalidatesPacket: true,
  }),
  row({
    id: 10, name: 'l3_csum_replace', signature: 'int bpf_l3_csum_replace(struct __sk_buff *skb, u32 offset, u64 from, u64 to, u64 flags)',
    doc: 'Recomputes the IP checksum at offset after a header field changed from `from` to `to`. flags bits 0-3: the size of the field (2 or 4, or 0 with from = 0 and to a checksum diff). Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'anything', 'anything', 'anything'], invalidatesPacket: true,
  }),
  row({
    id: 11, name: 'l4_csum_replace', signature: 'int bpf_l4_csum_replace(struct __sk_buff *skb, u32 offset, u64 from, u64 to, u64 flags)',
    doc: 'Recomputes the TCP/UDP checksum at offset. flags bits 0-3: field size; bit 4 (BPF_F_PSEUDO_HDR): the field is part of the pseudo header; bit 5 (BPF_F_MARK_MANGLED_0): a zero checksum stays zero and a result of 0 becomes 0xffff. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'anything', 'anything', 'anything'], invalidatesPacket: true,
  }),
  row({
    id: 12, name: 'tail_call', signature: 'void bpf_tail_call(void *ctx, struct bpf_map *prog_array_map, u32 index)',
    doc: 'Jumps into the program at index of a BPF_MAP_TYPE_PROG_ARRAY map, never returning. Falls through to the next instruction if the slot is empty, the index is past the end, or 32 tail calls were already made.',
    ret: 'void', args: ['ptr_to_ctx', 'const_map_ptr', 'anything', D, D], mapTypes: [MapType.ProgArray],
  }),
  row({
    id: 13, name: 'clone_redirect', signature: 'int bpf_clone_redirect(struct __sk_buff *skb, u32 ifindex, u64 flags)',
    doc: 'Clones the packet and sends the clone to the net device ifindex. flags bit 0 (BPF_F_INGRESS): to its ingress instead of egress. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'anything', D, D],
  }),
  row({ id: 14, name: 'get_current_pid_tgid', signature: 'u64 bpf_get_current_pid_tgid(void)', doc: 'Returns current->tgid << 32 | current->pid.', ret: 'integer', args: [D, D, D, D, D] }),
  row({ id: 15, name: 'get_current_uid_gid', signature: 'u64 bpf_get_current_uid_gid(void)', doc: 'Returns current_gid << 32 | current_uid.', ret: 'integer', args: [D, D, D, D, D] }),
  row({
    id: 16, name: 'get_current_comm', signature: 'int bpf_get_current_comm(char *buf, int size_of_buf)',
    doc: 'Stores current->comm (the task name, NUL-terminated, truncated to the buffer) into buf. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_raw_stack', 'const_stack_size', D, D, D],
  }),
  row({ id: 17, name: 'get_cgroup_classid', signature: 'u32 bpf_get_cgroup_classid(struct __sk_buff *skb)', doc: "Returns the net_cls classid of the packet's socket's cgroup (0 if none).", ret: 'integer', args: ['ptr_to_ctx', D, D, D, D] }),
  row({
    id: 18, name: 'skb_vlan_push', signature: 'int bpf_skb_vlan_push(struct __sk_buff *skb, __be16 vlan_proto, u16 vlan_tci)',
    doc: 'Pushes a VLAN tag (802.1Q or 802.1AD) with the given TCI. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'anything', D, D], invalidatesPacket: true,
  }),
  row({ id: 19, name: 'skb_vlan_pop', signature: 'int bpf_skb_vlan_pop(struct __sk_buff *skb)', doc: 'Pops the outer VLAN tag. Returns 0 on success.', ret: 'integer', args: ['ptr_to_ctx', D, D, D, D], invalidatesPacket: true }),
  row({
    id: 20, name: 'skb_get_tunnel_key', signature: 'int bpf_skb_get_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, u32 size, u64 flags)',
    doc: 'Retrieves the tunnel metadata of the packet into key. flags: BPF_F_TUNINFO_IPV6 for an IPv6 tunnel. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'ptr_to_raw_stack', 'const_stack_size', 'anything', D],
  }),
  row({
    id: 21, name: 'skb_set_tunnel_key', signature: 'int bpf_skb_set_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, u32 size, u64 flags)',
    doc: 'Populates the tunnel metadata for the packet to be sent. flags: BPF_F_TUNINFO_IPV6, BPF_F_ZERO_CSUM_TX, BPF_F_DONT_FRAGMENT. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'ptr_to_stack', 'const_stack_size', 'anything', D],
  }),
  row({
    id: 22, name: 'perf_event_read', signature: 'u64 bpf_perf_event_read(struct bpf_map *map, u64 flags)',
    doc: 'Reads the counter of the perf event at index flags & BPF_F_INDEX_MASK of a BPF_MAP_TYPE_PERF_EVENT_ARRAY (BPF_F_CURRENT_CPU: this CPU\'s). Returns the value or a negative errno.',
    ret: 'integer', args: ['const_map_ptr', 'anything', D, D, D], gplOnly: true, mapTypes: [MapType.PerfEventArray],
  }),
  row({
    id: 23, name: 'redirect', signature: 'int bpf_redirect(u32 ifindex, u64 flags)',
    doc: 'Redirects the packet to the net device ifindex once the program returns. flags bit 0 (BPF_F_INGRESS): to its ingress. Returns TC_ACT_REDIRECT.',
    ret: 'integer', args: ['anything', 'anything', D, D, D],
  }),
  row({ id: 24, name: 'get_route_realm', signature: "u32 bpf_get_route_realm(struct __sk_buff *skb)", doc: "Returns the realm of the packet's route (dst's tclassid), 0 if none.", ret: 'integer', args: ['ptr_to_ctx', D, D, D, D] }),
  row({
    id: 25, name: 'perf_event_output', signature: 'int bpf_perf_event_output(void *ctx, struct bpf_map *map, u64 flags, void *data, u64 size)',
    doc: 'Writes size bytes of data as a raw sample to the perf event at index flags & BPF_F_INDEX_MASK of a BPF_MAP_TYPE_PERF_EVENT_ARRAY (BPF_F_CURRENT_CPU: this CPU\'s). Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'const_map_ptr', 'anything', 'ptr_to_stack', 'const_stack_size'], gplOnly: true, mapTypes: [MapType.PerfEventArray],
  }),
  row({
    id: 26, name: 'skb_load_bytes', signature: 'int bpf_skb_load_bytes(const struct __sk_buff *skb, u32 offset, void *to, u32 len)',
    doc: 'Copies len bytes of the packet at offset into the stack buffer to. Returns 0, or -EFAULT (buffer zeroed) if out of bounds.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'ptr_to_raw_stack', 'const_stack_size', D],
  }),
  row({
    id: 27, name: 'get_stackid', signature: 'int bpf_get_stackid(void *ctx, struct bpf_map *map, u64 flags)',
    doc: 'Walks the kernel (or with BPF_F_USER_STACK the user) stack and stores it in a BPF_MAP_TYPE_STACK_TRACE map. flags bits 0-7: frames to skip; BPF_F_FAST_STACK_CMP compares stacks by hash only; BPF_F_REUSE_STACKID replaces a different stack with the same id. Returns the stack id (>= 0) or a negative errno.',
    ret: 'integer', args: ['ptr_to_ctx', 'const_map_ptr', 'anything', D, D], gplOnly: true, mapTypes: [MapType.StackTrace],
  }),
  row({
    id: 28, name: 'csum_diff', signature: 's64 bpf_csum_diff(__be32 *from, u32 from_size, __be32 *to, u32 to_size, __wsum seed)',
    doc: 'Computes a checksum difference from the from buffer to the to buffer (sizes multiples of 4), added to seed, for use with l3/l4_csum_replace. Returns the checksum or a negative errno.',
    ret: 'integer', args: ['ptr_to_stack', 'const_stack_size_or_zero', 'ptr_to_stack', 'const_stack_size_or_zero', 'anything'],
  }),
  row({
    id: 29, name: 'skb_get_tunnel_opt', signature: 'int bpf_skb_get_tunnel_opt(struct __sk_buff *skb, void *opt, u32 size)',
    doc: 'Retrieves the tunnel options metadata into opt. Returns the option size on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'ptr_to_raw_stack', 'const_stack_size', D, D],
  }),
  row({
    id: 30, name: 'skb_set_tunnel_opt', signature: 'int bpf_skb_set_tunnel_opt(struct __sk_buff *skb, void *opt, u32 size)',
    doc: 'Populates the tunnel options metadata from opt. Returns 0 on success.',
    ret: 'integer', args: ['ptr_to_ctx', 'ptr_to_stack', 'const_stack_size', D, D],
  }),
  row({
    id: 31, name: 'skb_change_proto', signature: 'int bpf_skb_change_proto(struct __sk_buff *skb, __be16 proto, u64 flags)',
    doc: 'Changes the protocol of the packet between IPv4 and IPv6, resizing it; the program then fills the new headers with skb_store_bytes and the csum helpers. flags must be 0. Returns 0 or a negative errno.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', 'anything', D, D], invalidatesPacket: true,
  }),
  row({
    id: 32, name: 'skb_change_type', signature: 'int bpf_skb_change_type(struct __sk_buff *skb, u32 type)',
    doc: 'Changes skb->pkt_type (PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST). Returns 0 or a negative errno.',
    ret: 'integer', args: ['ptr_to_ctx', 'anything', D, D, D],
  }),
  row({
    id: 33, name: 'skb_in_cgroup', signature: 'int bpf_skb_in_cgroup(struct __sk_buff *skb, struct bpf_map *map, u32 index)',
    doc: "Checks whether the packet's socket is in the cgroup2 (or a descendant) at index of a BPF_MAP_TYPE_CGROUP_ARRAY. Returns 1 if so, 0 if not, or a negative errno.",
    ret: 'integer', args: ['ptr_to_ctx', 'const_map_ptr', 'anything', D, D], mapTypes: [MapType.CgroupArray],
  }),
  row({ id: 34, name: 'get_hash_recalc', signature: 'u32 bpf_get_hash_recalc(struct __sk_buff *skb)', doc: 'Returns skb->hash, computing the flow hash first if it is not set.', ret: 'integer', args: ['ptr_to_ctx', D, D, D, D] }),
  row({ id: 35, name: 'get_current_task', signature: 'u64 bpf_get_current_task(void)', doc: 'Returns the address of the current task_struct (read it with bpf_probe_read).', ret: 'integer', args: [D, D, D, D, D], gplOnly: true }),
  row({
    id: 36, name: 'probe_write_user', signature: 'int bpf_probe_write_user(void *dst, const void *src, u32 len)',
    doc: 'Writes len bytes from src into user memory at dst of the current task. In Linux 4.8 but not in the seed header; the kernel warns when a program using it is loaded.',
    ret: 'integer', args: ['anything', 'ptr_to_stack', 'const_stack_size', D, D], gplOnly: true, notInSeed: true,
  }),
];

/** 4.8's __BPF_FUNC_MAX_ID: call ids at or above it are `invalid func`. */
export const BPF_FUNC_MAX_ID = 37;

const BY_NAME = new Map(HELPERS.map((h) => [h.name, h]));
/** Looks a helper up by name, with or without the bpf_ prefix. */
export const helperByName = (name: string): HelperProto | undefined =>
  BY_NAME.get(name.startsWith('bpf_') ? name.slice(4) : name);
export const helperById = (id: number): HelperProto | undefined => (id >= 0 && id < HELPERS.length ? HELPERS[id] : undefined);
