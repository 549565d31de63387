/**
 * What a program type is, in one interface: Linux 4.8 spreads it over `bpf_verifier_ops`
 * (is_valid_access, get_func_proto), `bpf_prog_ops` and BPF_PROG_TEST_RUN's per-type code; here
 * each type is one file under progtypes/ implementing `ProgTypeOps`, listed in index.ts's
 * PROG_TYPES. The verifier, the run builder, the session and (through `ProgTypeInfo`, which
 * crosses the worker boundary as data) the app ask it instead of switching on the type.
 */
import type { Field, HelperProto, Layout } from '../../isa';
import type { Region } from '../../mem';
import type { Skb } from '../skb';
import type { KernelServices } from '../types';

/** One context access a program makes: the verifier asks about it, the run's ctx region obeys it. */
export interface CtxAccess {
  off: number;
  size: number;
  write: boolean;
}

/** The result of a permitted access: what the loaded value is (priv loads of data/data_end give packet pointers). */
export type CtxAccessResult = false | 'scalar' | 'pkt' | 'pkt_end';

/** What a run starts from (the request's `run` object, decoded). */
export interface RunInput {
  /** a whole Ethernet frame (socket filter, tc, XDP): BPF_PROG_TEST_RUN's data_in */
  data?: Uint8Array;
  /** ctx_in: a struct __sk_buff (tc, socket filter), pt_regs (kprobe) or a raw record (tracepoint) */
  ctx?: Uint8Array;
  /** tracepoint programs: which tracepoint's record to build ("sched:sched_switch" by default) */
  tracepoint?: string;
  /** tracepoint programs: field values overriding the world's */
  tracepointFields?: Record<string, unknown>;
  /** the conformance convention: r1 points to a writable copy of these bytes, r2 = their length, no context */
  mem?: Uint8Array;
  /** the skb has a route (get_route_realm answers the world's realm); test-run skbs have none */
  route?: boolean;
}

/** A run the kernel refuses to start (bad data or ctx_in): BPF_PROG_TEST_RUN's errno. */
export interface RunRefused {
  ok: false;
  errno: number;
  error: string;
  message: string;
}

/** What a program's return value means for its type. */
export interface Verdict {
  /** a short name: "TC_ACT_OK", "XDP_PASS", "keep 40 bytes", "drop", "r0 = 5" */
  name: string;
  /** socket filters: bytes of the packet kept (the packet is truncated to them) */
  kept?: number;
}

/** The packet of a run as it ended. */
export interface PacketOut {
  /** the bytes the program's verdict is judged against (skb->len, or the frame's size) */
  len: number;
  /** the packet as BPF_PROG_TEST_RUN copies it out (data_out) */
  dataOut: Uint8Array;
  /** the packet as the program's type leaves it, given the verdict's `kept` bytes */
  after(kept: number | undefined): Uint8Array;
}

/** The context (and packet) of one run, as a type's `buildContext` maps it. */
export interface RunContext {
  /** the context region; r1 points into it */
  ctx: Region;
  /** the packet's region (skb or XDP frame) */
  packet?: Region;
  /** the pt_regs the context stands for (kprobe's context itself; the regs a tracepoint record points to) */
  regs?: Region;
  /** the skb of a socket filter or tc run (helpers that take an skb need it) */
  skb: Skb | null;
  /** r1 at entry */
  r1: bigint;
  /**
   * the context's layout as the IDE shows it; `below` says what the bytes before the region's
   * origin stand for, where programs may read there (a tracepoint's)
   */
  layout: { name: string; fields: readonly Field[]; below?: string };
  /**
   * after a helper call: lets the context follow what the helper changed (the __sk_buff's
   * display bytes mirror the skb); absent when helpers cannot change the context
   */
  afterHelper?(): void;
  /** the packet as the run left it; absent for types without a packet */
  packetOut?(): PacketOut;
  /** packetOut().len without copying the packet out: what the verdict is judged against */
  packetLen?(): number;
  /**
   * The same context over another frame, as a fresh build on `data` would make it (the same
   * ctx_in), reusing the regions and buffers: the next packet of a capture replay. Refuses what
   * the build would refuse, changing nothing then. Absent for types without a packet.
   */
  reload?(data: Uint8Array): RunRefused | null;
}

/** One field of a context struct and what the type's is_valid_access answers for it, at its own size. */
interface CtxFieldInfo {
  name: string;
  offset: number;
  size: number;
  /** a load of it: false (refused), or what it loads */
  read: CtxAccessResult;
  /** a store to it is allowed */
  write: boolean;
}

/**
 * A program type's context as data: a struct (__sk_buff, xdp_md, pt_regs) with each field's
 * rights, or a tracepoint's raw record, readable from `from` up to `end` (its fields depend on the
 * tracepoint).
 */
export type CtxInfo =
  | { kind: 'struct'; layout: Layout; fields: readonly CtxFieldInfo[] }
  | { kind: 'record'; from: number; end: number };

/** A program type as data, for the app and the share-link validator (structured-clone safe). */
export interface ProgTypeInfo {
  /** enum bpf_prog_type */
  type: number;
  /** as in BPF_PROG_TYPE_<NAME>, lower case: "sched_cls" */
  name: string;
  /** in words, singular: "tc classifier" */
  title: string;
  /** a run takes a packet (BPF_PROG_TEST_RUN's data_in, a whole Ethernet frame) */
  packet: boolean;
  /**
   * what a run's ctx_in may hold: fields of a struct (`fields` names those a run may set;
   * `replaces`: the bytes stand for the whole context, so zeros are not the default), a
   * tracepoint's raw record (`record`), or nothing (null: ctx_in must be absent or zero)
   */
  ctxIn: { kind: 'fields'; layout: Layout; fields: readonly string[]; replaces: boolean } | { kind: 'record' } | null;
  /** the context as programs see it, with what 4.8's is_valid_access lets them do with each part */
  ctx: CtxInfo;
  /** LD_ABS / LD_IND are allowed (4.8's may_access_skb) */
  ldAbs: boolean;
  /** helper ids offered to a loader with CAP_SYS_ADMIN */
  helpers: readonly number[];
  /** helper ids offered without it; null when the type cannot be loaded without it */
  unprivilegedHelpers: readonly number[] | null;
}

/** One program type of Linux 4.8. */
export interface ProgTypeOps {
  readonly info: ProgTypeInfo;
  /** 4.8's <type>_is_valid_access: may a program of this type make this context access, and what does it load */
  ctxAccess(a: CtxAccess): CtxAccessResult;
  /** 4.8's may_access_skb: LD_ABS / LD_IND are allowed */
  readonly ldAbs: boolean;
  /** direct packet writes are allowed (only XDP in 4.8; tc got them in 4.9) */
  readonly packetWrite: boolean;
  /** 4.8's <type>_func_proto: the prototype the type offers for helper `id`, or null */
  funcProto(id: number, privileged: boolean): HelperProto | null;
  /** BPF_PROG_LOAD checks kern_version against LINUX_VERSION_CODE (kprobe) */
  readonly checksKernVersion: boolean;
  /** bpf_trace_printk's irq-flags column: the context the program runs in */
  readonly traceFlags: string;
  /** maps the context (and the packet) of a run, as BPF_PROG_TEST_RUN would build them, or refuses */
  buildContext(kernel: KernelServices, input: RunInput): RunContext | RunRefused;
  /** what the low 32 bits of r0 mean, for a run that saw a packet of `len` bytes */
  verdict(retval: number, len: number): Verdict;
}
