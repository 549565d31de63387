/**
 * The debugger's view of a run: the input it starts from, the step events it renders, and the
 * snapshots that are the whole state at one step (so stepping back restores the whole view).
 */
import type { LimitStop } from './limits';

/** What a run starts from. Which fields apply depends on the program type. */
export interface RunInput {
  /** an Ethernet frame, for socket filters, tc and XDP programs */
  packet?: Uint8Array;
  /**
   * the context as bytes: the initial `struct __sk_buff` fields (as BPF_PROG_TEST_RUN's ctx_in),
   * a `struct pt_regs` for kprobes, or a tracepoint's raw record
   */
  ctx?: Uint8Array;
  /** for tracepoint programs: which tracepoint's record the ctx holds ("sched:sched_switch") */
  tracepoint?: string;
  /** repetitions on the same skb, as BPF_PROG_TEST_RUN's repeat */
  repeat?: number;
}

type RegionKindName = 'stack' | 'ctx' | 'packet' | 'map_value' | 'task' | 'kernel' | 'user' | 'mem' | 'map';

/** Where a 64-bit value points, if anywhere: a region of the run's address space and an offset. */
export interface PointerView {
  region: string;
  kind: RegionKindName;
  offset: number;
}

export interface AccessView {
  region: string;
  kind: RegionKindName;
  offset: number;
  size: number;
  addr: bigint;
}

interface WriteView extends AccessView {
  old: Uint8Array;
  new: Uint8Array;
}

export type EffectView =
  | { kind: 'map_update'; mapId: number; key: Uint8Array; old: Uint8Array | null; value: Uint8Array }
  | { kind: 'map_delete'; mapId: number; key: Uint8Array; old: Uint8Array }
  | { kind: 'map_lookup'; mapId: number; key: Uint8Array; found: boolean }
  | { kind: 'trace'; line: string }
  /** `lost`: the event's ring buffer had no room, so the sample was counted as lost */
  | { kind: 'perf_output'; mapId: number; cpu: number; data: Uint8Array; lost?: boolean }
  | { kind: 'redirect'; ifindex: number; ingress: boolean; clone: boolean }
  | { kind: 'packet_resize'; oldLen: number; newLen: number }
  | { kind: 'note'; text: string };

export type StopView =
  | { kind: 'exit'; r0: bigint }
  | { kind: 'fault'; message: string }
  | { kind: 'budget'; executed: number }
  | { kind: 'stopped' };

/** One executed instruction and everything it did. */
export interface StepView {
  /** 0-based number of the step in the run */
  step: number;
  progId: number;
  pcBefore: number;
  pcAfter: number;
  /** the instruction in the kernel log's notation */
  text: string;
  regs: { reg: number; old: bigint; new: bigint }[];
  reads: AccessView[];
  writes: WriteView[];
  call?: { id: number; name: string; args: bigint[]; ret?: bigint };
  effects: EffectView[];
  tailCall?: { fromProgId: number; toProgId: number };
  stop?: StopView;
}

/** Bytes of a region at one step: the stack, the context or the packet, from the region's origin. */
export interface RegionView {
  name: string;
  /** address of byte 0 */
  addr: bigint;
  bytes: Uint8Array;
}

/** The context as the program sees it: `addr` and `bytes` start at its byte 0 (where r1 points). */
export interface CtxView extends RegionView {
  /** struct name: "__sk_buff", "xdp_md", "pt_regs", or a tracepoint's record name */
  layout: string;
  fields: { name: string; offset: number; size: number; doc?: string }[];
  /**
   * Memory below byte 0 that programs may read: a tracepoint's (4.8's verifier lets every
   * negative offset of its record through). `bytes[i]` is at offset `i - bytes.length`, which is
   * how accesses there count (`AccessView.offset` < 0); `about` says what the bytes stand for.
   */
  below?: { bytes: Uint8Array; about: string };
}

/** What the run produced once it ended (the kernel's view: retval, packet out, verdict name). */
interface RunResult {
  /** the low 32 bits of r0, as BPF_PROG_TEST_RUN's retval */
  retval: number;
  /** what the program type makes of it: "TC_ACT_SHOT", "keep 64 bytes", "XDP_PASS" */
  verdict: string;
  /** the packet after the run, as BPF_PROG_TEST_RUN's data_out */
  dataOut?: Uint8Array;
}

export type RunState = 'paused' | 'exited' | 'faulted' | 'budget' | 'stopped';

/** The whole state of a debug run at one step. */
export interface DebugSnapshot {
  /** changes with every new run (a Restart starts a new one) */
  runId: number;
  state: RunState;
  /** steps executed so far; stepping back lowers it */
  step: number;
  /** the program and slot about to run (or that ended the run) */
  progId: number;
  progName: string;
  pc: number;
  /**
   * the source line of pc in its program's text: the loaded program's, or a setup program's
   * (`LoadResult.others`) inside a tail call; absent in a program the IDE has no text of
   */
  line?: number;
  /** r0..r10 */
  regs: bigint[];
  /** pointers[i]: where regs[i] points, if it falls inside a region */
  pointers: (PointerView | null)[];
  /** the step that led here (absent at step 0) */
  last?: StepView;
  /** the 512-byte stack, byte 0 at fp-512 */
  stack: RegionView;
  /** stackPointers[i]: where the 8-byte slot at fp-512+8i points, if it holds a pointer */
  stackPointers: (PointerView | null)[];
  ctx?: CtxView;
  packet?: RegionView;
  stop?: StopView;
  result?: RunResult;
  /** trace_printk lines of this run up to this step, with the step that printed each */
  trace: { step: number; line: string }[];
  /** repetition (0-based) when the input repeats */
  repetition: number;
  /**
   * where the run stands counted from its start: the steps of every repetition so far, plus one
   * for each move to the next repetition (what `seek` takes; equals `step` without repeats)
   */
  position: number;
  /**
   * set when stepping back cannot reach the start of this repetition: the earliest step it
   * reaches, and why ("history limit reached: stepping back goes as far as step N" when the
   * history gave up its oldest steps to stay under its memory bound)
   */
  backLimit?: { step: number; message: string };
}

/** The answer to every debugger command. */
export interface DebugUpdate {
  snapshot: DebugSnapshot;
  /** ids of maps whose contents differ from before the command */
  touchedMaps: number[];
  /** the map entries the last step touched (for the inspector's flash) */
  touchedKeys: { mapId: number; key: Uint8Array }[];
  /** the command stopped at a limit (time, memory) before it got where it was going; the run is paused there */
  limit?: LimitStop;
}

/** Sent now and then while a long run goes on, so the panels stay live. */
export interface RunProgress {
  runId: number;
  step: number;
  touchedMaps: number[];
  trace: { step: number; line: string }[];
}

export interface ContinueOptions {
  /** slots of the loaded program to stop at (before executing them) */
  breakpoints: number[];
}
