/**
 * The contracts between the simulated kernel and its users: the map and program objects that
 * bpf(2) hands out as fds, and the host interface the VM calls during a run (helpers, LD_ABS).
 * Implementations live beside this file (maps/, helpers/, progtypes/, sys.ts); the VM and the
 * verifier depend only on these types.
 */
import type { Insn } from '../isa';
import type { AddressSpace, MemFault } from '../mem';
import type { PerfRing } from './perf-ring';

/** Failures are negative errno values, as the kernel returns them. */
export type Errno = number;

/** The attributes BPF_MAP_CREATE takes. */
export interface MapAttr {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
}

/**
 * One map object. The user-space side (the bpf(2) commands) copies bytes in and out; the
 * program side (helpers) works with addresses in the kernel's address space, since
 * map_lookup_elem hands the program a pointer into the value.
 */
export interface BpfMap extends Readonly<MapAttr> {
  /** the kernel object id (bpftool's `id N`), unique per kernel instance */
  readonly id: number;
  /** the name from the source or the request, for display */
  name: string;
  /** address of the map object itself: what ld_imm64 with BPF_PSEUDO_MAP_FD loads */
  readonly addr: bigint;
  /** size of a value as bpf(2) copies it: per-CPU maps round up to 8 and repeat per CPU */
  readonly userValueSize: number;

  /** BPF_MAP_LOOKUP_ELEM */
  lookup(key: Uint8Array): Uint8Array | Errno;
  /** BPF_MAP_UPDATE_ELEM with BPF_ANY / BPF_NOEXIST / BPF_EXIST; 0 or a negative errno */
  update(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno;
  /** BPF_MAP_DELETE_ELEM */
  delete(key: Uint8Array): 0 | Errno;
  /** BPF_MAP_GET_NEXT_KEY; a null or missing key gives the first key */
  getNextKey(key: Uint8Array | null): Uint8Array | Errno;
  /** every entry, in GET_NEXT_KEY order (for dumps and the UI) */
  entries(): Iterable<{ key: Uint8Array; value: Uint8Array }>;

  // The program side, used by helpers. Keys and values are read from program memory by the
  // helper; the map works with bytes and with addresses in the kernel's address space.

  /**
   * bpf_map_lookup_elem: the address of the value (this CPU's copy for per-CPU maps) in the
   * kernel's address space, or 0n if there is no entry.
   */
  lookupAddr?(key: Uint8Array, cpu: number): bigint;
  /** lookupAddr without BigInt, for the fast helper path: the address's low and high halves into out[0] and out[1] (0 and 0: no entry) */
  lookupHalves?(key: Uint8Array, cpu: number, out: Int32Array): void;
  /** bpf_map_update_elem from a program: per-CPU maps update this CPU's copy only */
  updateFromProg?(key: Uint8Array, value: Uint8Array, flags: bigint, cpu: number): 0 | Errno;
  /** bpf_map_delete_elem from a program */
  deleteFromProg?(key: Uint8Array): 0 | Errno;
}

/** A program loaded by BPF_PROG_LOAD. */
export interface LoadedProg {
  readonly id: number;
  readonly progType: number;
  name: string;
  /** the instructions as the kernel keeps them: map fds replaced by map addresses */
  readonly bytes: Uint8Array;
  /** decoded, one entry per slot (as the kernel indexes them) */
  readonly slots: readonly Insn[];
  /** the maps the program refers to */
  readonly maps: readonly BpfMap[];
  readonly license: string;
  readonly gplCompatible: boolean;
  /** loaded with CAP_SYS_ADMIN */
  readonly privileged: boolean;
}

/**
 * Something a helper did that the debugger shows beside the registers and bytes: map changes,
 * trace_printk lines, perf records, redirect decisions. Helpers report them; the VM puts them
 * into the step event.
 */
export type Effect =
  | { kind: 'map_update'; mapId: number; key: Uint8Array; old: Uint8Array | null; value: Uint8Array }
  | { kind: 'map_delete'; mapId: number; key: Uint8Array; old: Uint8Array }
  | { kind: 'map_lookup'; mapId: number; key: Uint8Array; found: boolean }
  | { kind: 'trace'; line: string }
  /** a sample for a perf event's ring; `lost` when the ring had no room for it */
  | { kind: 'perf_output'; mapId: number; cpu: number; data: Uint8Array; lost?: boolean }
  | { kind: 'redirect'; ifindex: number; ingress: boolean; clone: boolean }
  | { kind: 'packet_resize'; oldLen: number; newLen: number }
  | { kind: 'note'; text: string };

/** What a helper call did, besides clobbering R1-R5. */
export type HelperOutcome =
  /** returned a value in R0 */
  | { kind: 'ret'; r0: bigint; effects?: Effect[] }
  /** bpf_tail_call succeeded: continue at insn 0 of `prog`, same context, same stack */
  | { kind: 'tail_call'; prog: LoadedProg; effects?: Effect[] }
  /** the helper touched memory it may not (only unverified programs get here) */
  | { kind: 'fault'; fault: MemFault | string };

/**
 * The kernel side of one program run, as the VM sees it. The session builds one per run with
 * the context, packet and stack regions mapped into `mem`.
 */
export interface RunHost {
  readonly mem: AddressSpace;
  /**
   * calls helper `id` with R1..R5; `pc` is the call's slot index, for records; `executed` is the
   * number of instructions the run has executed so far, the call included (the world's clock
   * advances with it, so bpf_ktime_get_ns sees time pass inside a run)
   */
  callHelper(id: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint, pc: number, executed: number): HelperOutcome;
  /**
   * LD_ABS / LD_IND: the big-endian value of `size` bytes at `offset` of the skb (as 4.8's
   * load_pointer/skb_header_pointer: negative SKF_NET_OFF / SKF_LL_OFF offsets included), or
   * null when out of bounds (the program then ends with R0 = 0).
   */
  loadSkb(offset: number, size: 1 | 2 | 4): number | null;
  /** whether helper `id` exists for this run (an unknown id is a load error) */
  hasHelper(id: number): boolean;
  /**
   * Optional fast path of `callHelper` for the hottest helpers, with the registers as 32-bit
   * halves (r1-r5 in L[1..5], H[1..5]; r0 written to L[0], H[0]) and no effects: true when it
   * made the call, false to take callHelper. The VM uses it only when no step event is built.
   */
  callFast?(id: number, L: Int32Array, H: Int32Array, executed: number): boolean;
}

/** A task of the simulated world: what get_current_* report and get_current_task points at. */
export interface Task {
  pid: number;
  tgid: number;
  uid: number;
  gid: number;
  /** at most 15 characters (TASK_COMM_LEN 16 with the NUL) */
  comm: string;
  /** cgroup v2 path the task belongs to, e.g. "/sys/fs/cgroup/app" */
  cgroup: string;
}

export interface NetDevice {
  ifindex: number;
  name: string;
  mac: string;
}

export interface Cgroup {
  /** the cgroup v2 path, "/" for the root */
  path: string;
  /** net_cls classid (0 when unset) */
  classid: number;
}

/** One frame of a simulated stack: an address and its symbol. */
export interface StackFrame {
  ip: bigint;
  symbol: string;
}

/**
 * Tunnel metadata of a packet (struct ip_tunnel_info, as skb_get/set_tunnel_key and _opt see it).
 * A packet received on a collect_md tunnel device carries RX metadata; bpf_skb_set_tunnel_key
 * replaces it with TX metadata for the tunnel device the packet will be sent through.
 */
export interface TunnelInfo {
  /** IP_TUNNEL_INFO_TX: set by skb_set_tunnel_key (RX: received on a tunnel device) */
  tx: boolean;
  /** IP_TUNNEL_INFO_IPV6: the addresses are IPv6 */
  ipv6: boolean;
  /** key.tun_id (host order) */
  id: bigint;
  /** key.u.ipv4/ipv6.src and .dst: 4 or 16 bytes in network order */
  src: Uint8Array;
  dst: Uint8Array;
  tos: number;
  ttl: number;
  /** key.label, the IPv6 flow label (host order) */
  label: number;
  /** key.tun_flags as names: 'key', 'csum', 'nocache', 'dont_fragment', 'geneve_opt', 'vxlan_opt' */
  flags: string[];
  /** tunnel options (Geneve/VXLAN-GBP); present to programs only with a *_opt flag */
  options: Uint8Array;
}

/**
 * The deterministic simulated world a kernel instance runs in (`env`): seeded, so that a run
 * replays identically anywhere. Every mutation of its state (clock, PRNG, CPU) is journaled by
 * the implementation when the kernel's address space has a journal.
 */
export interface World {
  readonly seed: number;
  /** simulated CPU count (per-CPU maps hold one value each) */
  ncpus: number;
  /** the CPU programs run on */
  cpu: number;
  /** virtual monotonic clock in ns; advances by `nsPerInsn` for each instruction executed */
  readonly clockNs: bigint;
  nsPerInsn: number;
  advanceClock(instructions: number): void;
  /** time spent in the kernel beside the program's instructions (a trace_printk writing its record) */
  passTime(ns: number): void;
  /** the next number of the seeded PRNG (bpf_get_prandom_u32) */
  nextRandom32(): number;
  task: Task;
  netDevices: NetDevice[];
  cgroups: Cgroup[];
  /** the realm of the route of a packet (bpf_get_route_realm) */
  routeRealm: number;
  /** stacks returned by get_stackid and shown with symbols */
  kernelStack: StackFrame[];
  userStack: StackFrame[];
  /** address of the current task's task_struct in the kernel's address space (get_current_task) */
  readonly taskAddr?: bigint;
  /** tunnel metadata packets arrive with (a collect_md tunnel device), absent for plain packets */
  tunnel?: TunnelInfo | null;
}

/**
 * BPF_PROG_LOAD as the kernel hands it to the verifier (injected: the kernel does not import
 * the verifier). `bytes` still hold map fds in ld_imm64 imm fields; the verifier resolves them
 * through `resolveMapFd`, as 4.8's pre-scan does, and returns the rewritten instructions.
 */
export interface ProgLoadRequest {
  progType: number;
  /** 8 bytes a slot, map fds not yet replaced */
  bytes: Uint8Array;
  license: string;
  logLevel: number;
  logSize: number;
  /** whether user space passed a log buffer (log_buf != NULL) */
  logBuf: boolean;
  kernVersion: number;
  /** the loader has CAP_SYS_ADMIN */
  privileged: boolean;
  /** fd -> map, or the errno name 4.8 answers for an fd that is not open (EBADF) or not a map (EINVAL) */
  resolveMapFd: MapFdResolver;
}

/** How the pre-scan resolves a map fd: the map, or 4.8's errno for an fd that is not open / not a map. */
export type MapFdResolver = (fd: number) => BpfMap | 'EBADF' | 'EINVAL';

export interface ProgLoadVerdict {
  ok: boolean;
  /** 0 on success, else a positive errno (EINVAL, EACCES, ENOSPC, ...) */
  errno: number;
  /** the log as user space would read it from log_buf ("" when no log was requested) */
  log: string;
  /** on success: the instructions with map fds replaced by map addresses */
  bytes?: Uint8Array;
  /** on success: the distinct maps used, in order of first reference */
  maps?: BpfMap[];
  /** the verifier's structured findings for the IDE (states per pc, pruning, error pc) */
  analysis?: unknown;
  /**
   * why the load failed when 4.8 prints no message for it at any log level (the syscall's own
   * checks, more than 64 maps, a jump with the X bit); bpflab's, never part of the log
   */
  reason?: string;
}

export type ProgVerifier = (req: ProgLoadRequest) => ProgLoadVerdict;

/** A simulated perf event (the value type of a PERF_EVENT_ARRAY). */
export interface PerfEvent {
  fd: number;
  cpu: number;
  /** counter value perf_event_read returns */
  counter: bigint;
  /** the ring buffer perf_event_output writes its samples into (perf-ring.ts) */
  ring: PerfRing;
}

/**
 * What helpers need from the kernel instance they run in. The Kernel class implements it;
 * helpers and the run builder (kernel/run.ts) depend only on this.
 */
export interface KernelServices {
  readonly mem: AddressSpace;
  readonly world: World;
  /** the map whose object address (what ld_imm64 loaded) is `addr` */
  mapByAddr(addr: bigint): BpfMap | undefined;
  /** PROG_ARRAY: the program in slot `index`, or null if empty or out of range */
  progArrayGet(map: BpfMap, index: number): LoadedProg | null;
  /** PERF_EVENT_ARRAY: the event in slot `index`, or null */
  perfEventGet(map: BpfMap, index: number): PerfEvent | null;
  /** CGROUP_ARRAY: the cgroup in slot `index`, or null */
  cgroupGet(map: BpfMap, index: number): Cgroup | null;
  /**
   * STACK_TRACE: stores a stack (instruction pointers, innermost first) under its id, with the
   * BPF_F_FAST_STACK_CMP / BPF_F_REUSE_STACKID rules; returns the id or a negative errno.
   */
  stackStore(map: BpfMap, ips: readonly bigint[], flags: bigint): number;
  /**
   * appends a trace_printk record to /sys/kernel/debug/tracing/trace_pipe (journaled): the line
   * as trace_pipe prints it, the CPU whose ring buffer takes it, and the length of the message
   * (which sets the record's size in the ring)
   */
  traceWrite(line: string, cpu?: number, msgLen?: number): void;
}
