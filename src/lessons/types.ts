/**
 * What a lesson is: plain data the IDE's gallery lists and loads, and the test runs. A lesson is
 * a program in bpflab's assembly (its `.type`, `.license` and `.map` directives included), how
 * to load it, what to run it on, what to put in its maps first, and what Linux 4.8 does with it:
 * the verifier's verdict and, for an accepted program, the test run's result. Nothing here runs
 * anything.
 */
import type { SlotValue } from '../protocol';

/** Program types by the names `.type` and kernel-oracle use. */
export type LessonProgType = 'socket_filter' | 'kprobe' | 'sched_cls' | 'sched_act' | 'tracepoint' | 'xdp';

/** Where a lesson sits in the gallery, roughly in the order a learner meets them. */
export type LessonLevel = 'basics' | 'maps' | 'packets' | 'tc' | 'tracing' | 'verifier';

/** What the test run gets (BPF_PROG_TEST_RUN's data_in and ctx_in, or a tracepoint record). */
interface LessonInput {
  /** a whole Ethernet frame, hex in wire order (socket_filter, sched_cls, sched_act, xdp) */
  packet?: string;
  /** ctx_in as hex: a `struct __sk_buff` (tc, socket filter), a `struct pt_regs` (kprobe) */
  ctx?: string;
  /** tracepoint programs: the tracepoint whose record the program gets, and field values */
  tracepoint?: { name: string; fields?: Record<string, number | string> };
  /** runs on the same packet (BPF_PROG_TEST_RUN's repeat); 1 if absent */
  repeat?: number;
}

/** What one slot of a map of file descriptors holds before the run: a program of `progs`, a perf event, a cgroup. */
export type LessonSlotValue = SlotValue;

interface LessonSlot {
  /** the map's name in the source's `.map` */
  map: string;
  index: number;
  value: LessonSlotValue;
}

/** An element as `.entry` spells it: key and value hex bytes in memory order. */
interface LessonEntry {
  key: string;
  value: string;
}

/** Initial contents of one map: `.entry` lines of the source, or slots of an fd array. */
interface LessonMapInit {
  map: string;
  entries?: LessonEntry[];
  slots?: Omit<LessonSlot, 'map'>[];
}

/** A program loaded beside the lesson's (a tail-call target), in the same assembly. */
interface LessonProg {
  name: string;
  source: string;
}

/** The verifier's verdict: accepted, or the errno and the exact last line of the 4.8 log. */
type LessonVerdict =
  | { accepted: true }
  | { accepted: false; errno: string; lastLine: string };

/** A map as the run leaves it (every element, in dump order; per-CPU values for every CPU). */
interface LessonMapDump {
  name: string;
  entries: LessonEntry[];
}

/** What an accepted lesson's test run gives. */
interface LessonRunOutcome {
  /** the low 32 bits of r0, as BPF_PROG_TEST_RUN's retval */
  retval: number;
  /** what the return value means for the program type ("TC_ACT_OK", "drop", ...) */
  verdict: string;
  /** the packet after the run (hex), where the lesson changes it */
  dataOut?: string;
  /** trace_pipe lines the run wrote */
  trace?: string[];
  /** samples bpf_perf_event_output wrote */
  perf?: { map: string; cpu: number; data: string }[];
  /** maps whose contents the lesson is about, as the run leaves them */
  maps?: LessonMapDump[];
  /** where a TC_ACT_REDIRECT sends the packet */
  redirect?: { ifindex: number; ingress: boolean };
}

export interface LessonExpect {
  load: LessonVerdict;
  /** the run's result; absent for a refused program */
  run?: LessonRunOutcome;
}

export interface Lesson {
  /** stable, URL-safe: "count-packets" */
  id: string;
  title: string;
  level: LessonLevel;
  /** what the lesson shows, two or three sentences */
  summary: string;
  /** changes to try, each with what will happen */
  tryNext: string[];
  /** the program, with comments, as the editor shows it */
  source: string;
  /** the source's `.type` */
  progType: LessonProgType;
  /** BPF_PROG_LOAD as CAP_SYS_ADMIN (the default) or not */
  privileged: boolean;
  input?: LessonInput;
  /** initial map contents: the source's `.entry` lines, and fd-array slots */
  maps?: LessonMapInit[];
  /** other programs the lesson loads first (tail-call targets) */
  progs?: LessonProg[];
  expect: LessonExpect;
}
