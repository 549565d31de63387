/** The enums and flags of linux/bpf.h (4.8), plus the errno values bpf(2) answers with. */

/** enum bpf_cmd */
export const Cmd = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_DELETE_ELEM: 3,
  MAP_GET_NEXT_KEY: 4,
  PROG_LOAD: 5,
  OBJ_PIN: 6,
  OBJ_GET: 7,
} as const;

/** enum bpf_map_type */
export const MapType = {
  Unspec: 0,
  Hash: 1,
  Array: 2,
  ProgArray: 3,
  PerfEventArray: 4,
  PercpuHash: 5,
  PercpuArray: 6,
  StackTrace: 7,
  CgroupArray: 8,
} as const;

/** Per-CPU map types: one value per possible CPU (bpf(2) copies `percpuValueStride` bytes for each). */
export const PERCPU_MAP_TYPES: ReadonlySet<number> = new Set([MapType.PercpuHash, MapType.PercpuArray]);
/** Arrays of values (4.8's arraymap.c): every u32 index below max_entries exists, zero at first. */
export const VALUE_ARRAY_MAP_TYPES: ReadonlySet<number> = new Set([MapType.Array, MapType.PercpuArray]);
/** Arrays of file descriptors (4.8's fd_array_map_*): programs, perf events, cgroups. */
export const FD_ARRAY_MAP_TYPES: ReadonlySet<number> = new Set([MapType.ProgArray, MapType.PerfEventArray, MapType.CgroupArray]);
/** Whether a map type is keyed by a u32 index below max_entries (the value and the fd arrays). */
export const isArrayMapType = (type: number): boolean => VALUE_ARRAY_MAP_TYPES.has(type) || FD_ARRAY_MAP_TYPES.has(type);
/** The bytes one CPU's copy of a per-CPU value takes in what bpf(2) copies: round_up(value_size, 8). */
export const percpuValueStride = (valueSize: number): number => Math.ceil(valueSize / 8) * 8;

/** Names as kernel-oracle, bpftool and the assembler's `.map` directive spell them. */
export const MAP_TYPE_NAMES: Record<number, string> = {
  0: 'unspec',
  1: 'hash',
  2: 'array',
  3: 'prog_array',
  4: 'perf_event_array',
  5: 'percpu_hash',
  6: 'percpu_array',
  7: 'stack_trace',
  8: 'cgroup_array',
};

/** enum bpf_prog_type. XDP (6) is not in the seed header but exists in Linux 4.8. */
export const ProgType = {
  Unspec: 0,
  SocketFilter: 1,
  Kprobe: 2,
  SchedCls: 3,
  SchedAct: 4,
  Tracepoint: 5,
  Xdp: 6,
} as const;

export const PROG_TYPE_NAMES: Record<number, string> = {
  0: 'unspec',
  1: 'socket_filter',
  2: 'kprobe',
  3: 'sched_cls',
  4: 'sched_act',
  5: 'tracepoint',
  6: 'xdp',
};

/** Looks a name up in one of the tables above; numbers pass through. */
export function byName(table: Record<number, string>, name: string | number): number | undefined {
  if (typeof name === 'number') return name;
  for (const [k, v] of Object.entries(table)) if (v === name) return Number(k);
  return undefined;
}

/** Flags of BPF_MAP_UPDATE_ELEM. */
export const UpdateFlag = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;
/** Flags of BPF_MAP_CREATE. */
export const BPF_F_NO_PREALLOC = 1;

/** Helper flags (all in the header's "flags used by eBPF helper functions"). */
export const HelperFlag = {
  RECOMPUTE_CSUM: 1n << 0n,
  INVALIDATE_HASH: 1n << 1n,
  HDR_FIELD_MASK: 0xfn,
  PSEUDO_HDR: 1n << 4n,
  MARK_MANGLED_0: 1n << 5n,
  INGRESS: 1n << 0n,
  TUNINFO_IPV6: 1n << 0n,
  SKIP_FIELD_MASK: 0xffn,
  USER_STACK: 1n << 8n,
  FAST_STACK_CMP: 1n << 9n,
  REUSE_STACKID: 1n << 10n,
  ZERO_CSUM_TX: 1n << 1n,
  DONT_FRAGMENT: 1n << 2n,
  INDEX_MASK: 0xffffffffn,
  CURRENT_CPU: 0xffffffffn,
} as const;

/** The errno values bpf(2) and the helpers use (x86-64 Linux). */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOSPC: 28,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EPROTO: 71,
  EOPNOTSUPP: 95,
  /** kernel-internal, but visible as a helper result */
  ENOTSUPP: 524,
} as const;
export type ErrnoName = keyof typeof Errno;

const ERRNO_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Errno).map(([k, v]) => [v, k]),
);
/** EINVAL for 22, and so on; the number as text for anything unknown. */
export const errnoName = (n: number): string => ERRNO_NAMES[n] ?? String(n);

/** tc actions, the return values of SCHED_CLS / SCHED_ACT programs (linux/pkt_cls.h). */
export const TC_ACT_NAMES: Record<number, string> = {
  [-1]: 'TC_ACT_UNSPEC',
  0: 'TC_ACT_OK',
  1: 'TC_ACT_RECLASSIFY',
  2: 'TC_ACT_SHOT',
  3: 'TC_ACT_PIPE',
  4: 'TC_ACT_STOLEN',
  5: 'TC_ACT_QUEUED',
  6: 'TC_ACT_REPEAT',
  7: 'TC_ACT_REDIRECT',
};

/** Linux 4.8.0 as LINUX_VERSION_CODE: a kprobe's kern_version must equal it. */
export const LINUX_VERSION_CODE = 0x040800;

/** Tail-call chain limit (MAX_TAIL_CALL_CNT). */
export const MAX_TAIL_CALL_CNT = 32;
