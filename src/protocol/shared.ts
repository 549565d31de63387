/**
 * A shared session: everything a share link carries so that opening it restores the program,
 * its settings, its maps, its input and the step it was paused at, and replays to the same
 * results (the simulated world is seeded). Plain JSON-able data only: strings, numbers,
 * booleans, arrays and objects; bytes are lowercase hex. `src/share` encodes and validates it.
 *
 * Not here: how the IDE lays out panels, undo history, verifier output (all recomputed on open).
 */

/** The format version carried by every shared session (and outside the compressed payload). */
export const SHARED_SESSION_VERSION = 1;

/** The two assembler syntaxes: kernel/LLVM (`r0 = 1`) and ubpf (`mov r0, 1`). */
export type SharedSyntax = 'llvm' | 'ubpf';

/** PROG_LOAD settings that are not in the source text. */
export interface SharedLoadSettings {
  /** bpf_attr.log_level (0, 1 or 2) */
  logLevel: number;
  /** bpf_attr.log_size in bytes (0..SHARED_LIMITS.logSize) */
  logSize: number;
  /** whether the loader has CAP_SYS_ADMIN */
  privileged: boolean;
}

/** One map entry, bytes in memory order. Per-CPU maps carry one value per CPU, concatenated. */
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
 * The input of a run: a packet for the skb and XDP program types (with, optionally, the
 * `__sk_buff` fields given as ctx_in), x86-64 `pt_regs` for kprobes, the raw record for tracepoints.
 */
export type SharedInput =
  | { kind: 'none' }
  | { kind: 'packet'; data: string; ctx?: string }
  | { kind: 'pt_regs'; data: string }
  | { kind: 'tracepoint'; data: string };

/** Version 1 of a shared session. */
export interface SharedSession {
  v: 1;
  /** the editor's text */
  source: string;
  syntax: SharedSyntax;
  /** enum bpf_prog_type */
  progType: number;
  load: SharedLoadSettings;
  maps: SharedMap[];
  input: SharedInput;
  /** 1-based source lines with a breakpoint, ascending, no duplicates */
  breakpoints: number[];
  /** the number of steps executed when shared (0: not started) */
  step: number;
  /** seed of the simulated world (u32) */
  seed: number;
}

/** Bounds every decoded session is checked against. */
export const SHARED_LIMITS = {
  /** characters of source text */
  source: 256 * 1024,
  /** bytes of a log buffer: 4.8 refuses more than UINT_MAX >> 8 */
  logSize: 0xffffff,
  logLevel: 2,
  maps: 64,
  mapName: 64,
  keySize: 4096,
  valueSize: 65536,
  entriesPerMap: 4096,
  /** values per entry of a per-CPU map (one per simulated CPU) */
  cpus: 64,
  /** bytes of a packet, a ctx, pt_regs or a record */
  input: 65536,
  breakpoints: 4096,
  step: 10_000_000,
} as const;
