/**
 * A shared session: everything a share link carries so that opening it restores the program,
 * its settings, its maps, its input and the step it was paused at, and replays to the same
 * results (the simulated world is seeded). Plain JSON-able data only: strings, numbers,
 * booleans, arrays and objects; bytes are lowercase hex. `src/share` encodes and validates it.
 *
 * Not here: how the IDE lays out panels, undo history, verifier output (all recomputed on open).
 */

/**
 * The format version of the links bpflab makes (carried outside the compressed payload too).
 * Version 2 adds the programs beside the edited one and the prog_array slots they fill (a
 * tail-call set); a version-1 link still opens, as a session without them.
 */
export const SHARED_SESSION_VERSION = 2;

/**
 * The assembler syntaxes: kernel/LLVM (`r0 = 1`), ubpf (`mov r0, 1`), or `auto`, which decides
 * line by line as the IDE's default does.
 */
export type SharedSyntax = 'llvm' | 'ubpf' | 'auto';

/** PROG_LOAD settings that are not in the source text. */
export interface SharedLoadSettings {
  /** bpf_attr.log_level (0, 1 or 2) */
  logLevel: number;
  /** bpf_attr.log_size in bytes (0..SHARED_LIMITS.logSize) */
  logSize: number;
  /** whether the loader has CAP_SYS_ADMIN */
  privileged: boolean;
  /** the license when the source has no `.license` directive */
  license?: string;
  /** kern_version when the source has no `.kern_version` directive */
  kernVersion?: number;
}

/** The simulated world and the run settings that a replay needs to give the same results. */
export interface SharedEngineSettings {
  /** seed of the simulated world (u32) */
  seed: number;
  /** simulated CPU count */
  ncpus: number;
  /** the CPU programs run on (< ncpus) */
  cpu: number;
  /** instruction budget of one debug run */
  budget: number;
  /** division by a zero register as Linux 4.8 or as later kernels */
  semantics: '4.8' | 'modern';
  /** false: loaded without the verifier */
  verify: boolean;
}

/**
 * One map entry, bytes in memory order, the value as MAP_LOOKUP_ELEM copies it: per-CPU maps
 * hold round_up(value_size, 8) bytes for each of the session's CPUs.
 */
export interface SharedMapEntry {
  key: string;
  value: string;
}

/** A map and its contents at the moment of sharing. */
export interface SharedMap {
  /** the name the source refers to it by (`.map NAME ...`) */
  name: string;
  /** enum bpf_map_type */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** map_flags */
  flags: number;
  entries: SharedMapEntry[];
}

/**
 * The input of a run (the debugger's RunInput with bytes as hex): a packet for socket filters,
 * tc and XDP; a ctx of `__sk_buff` fields (ctx_in) for the skb types, x86-64 `pt_regs` for
 * kprobes, or a tracepoint's raw record (and which tracepoint, "sched:sched_switch").
 */
export interface SharedInput {
  packet?: string;
  ctx?: string;
  tracepoint?: string;
  /** BPF_PROG_TEST_RUN's repeat */
  repeat?: number;
}

/** A program loaded beside the edited one (a tail-call target), by the name slots give it. */
export interface SharedProgram {
  name: string;
  source: string;
}

/** A slot of a map of file descriptors the loader fills: with a program of `progs`, a perf event, a cgroup. */
export interface SharedSlot {
  map: string;
  index: number;
  /** PROG_ARRAY: a program of the session's `progs`, or the edited program by its `.name` directive */
  prog?: string;
  /** PERF_EVENT_ARRAY: a perf event opened on this CPU */
  perfCpu?: number;
  /** CGROUP_ARRAY: a cgroup v2 directory */
  cgroup?: string;
}

/** A shared session (versions 1 and 2; `progs` and `slots` only in 2). */
export interface SharedSession {
  v: 1 | 2;
  /** the editor's text */
  source: string;
  syntax: SharedSyntax;
  /** enum bpf_prog_type */
  progType: number;
  load: SharedLoadSettings;
  settings: SharedEngineSettings;
  maps: SharedMap[];
  input: SharedInput;
  /** 1-based source lines with a breakpoint, ascending, no duplicates */
  breakpoints: number[];
  /** the number of steps executed when shared (0: not started; at most settings.budget) */
  step: number;
  /** programs loaded beside the edited one (tail-call targets), version 2 */
  progs?: SharedProgram[];
  /** fd-array slots filled once the maps and `progs` exist, version 2 */
  slots?: SharedSlot[];
}

/** Bounds every decoded session is checked against. */
export const SHARED_LIMITS = {
  /** characters of source text */
  source: 256 * 1024,
  /** bytes of a log buffer: 4.8 refuses more than UINT_MAX >> 8 */
  logSize: 0xffffff,
  logLevel: 2,
  license: 128,
  maps: 64,
  mapName: 64,
  keySize: 4096,
  valueSize: 65536,
  entriesPerMap: 4096,
  cpus: 64,
  /** bytes of a packet or a tracepoint record */
  input: 65536,
  repeat: 1_000_000,
  tracepointName: 128,
  breakpoints: 4096,
  budget: 100_000_000,
  /** programs beside the edited one, and slots */
  progs: 64,
  progName: 128,
  slots: 1024,
} as const;
