/**
 * What the IDE reads from and writes to files through the engine: clang objects, packet
 * captures replayed through the loaded program, exports of the program, and the state a share
 * link needs from the kernel. The readers themselves live in src/elf, src/pcap and
 * src/session/export.ts; these are the shapes that cross the worker boundary.
 */
import type { LimitStop } from './limits';
import type { SharedMap } from './shared';
import type { LoadSetup } from './program';
import type { RunInput } from './debug';
import type { Syntax } from './settings';

/** One program section of a clang object, as editor text. */
export interface ObjectProgramView {
  /** "kprobe/sys_write" */
  section: string;
  /** the function at the section's start */
  name: string;
  /** enum bpf_prog_type inferred from the section name, if it names one */
  progType?: number;
  /** "kprobe/sys_write (kprobe)" */
  description: string;
  /** 8-byte slots */
  slots: number;
  /** the program as assembly with its directives and map declarations (it assembles to the same bytes) */
  source: string;
  /** instructions beyond Linux 4.8 that its verifier will refuse, and how to build without them */
  warning?: string;
}

/**
 * An object's programs opened together, as its loader would wire them: the first program is the
 * editor's, the others are tail-call targets put into prog_array slots by their section names
 * (iproute2's `ID/KEY`: slot KEY of the map whose bpf_elf_map id is ID; samples/bpf's
 * `socket/N`, `kprobe/N`, `kretprobe/N`: slot N of the object's first map).
 */
export interface ObjectSetView {
  /** index in `programs` of the program the editor takes */
  main: number;
  /** its source declaring every map of the object (a loader creates them all) */
  source: string;
  /** the object's other programs, by name, with their text (each with its `.type`, when its section gives one) */
  progs: { name: string; text: string }[];
  /** prog_array slots their section names wire (a slot may name the main program by its `.name`) */
  slots: { map: string; index: number; value: { prog: string } }[];
  /** what was left out, and why */
  notes: string[];
  /** why the main program is in no slot, when it is in none by its loader's rules */
  entryNote?: string;
}

/** What a clang object holds, or why it cannot be read. */
export type ObjectView =
  | { ok: true; programs: ObjectProgramView[]; maps: string[]; license?: string; kernVersion?: number; set?: ObjectSetView }
  | { ok: false; error: string };

export interface ReadObjectRequest {
  bytes: Uint8Array;
  /** the syntax of the editor text (auto: llvm) */
  syntax: Syntax;
}

/** A capture the engine has read and keeps for replays. */
export type CaptureInfo =
  | { ok: true; format: 'pcap' | 'pcapng'; packets: number; warnings: string[] }
  | { ok: false; error: string };

/** A replay of the kept capture through the loaded program. */
export interface CaptureRunRequest {
  /** the ctx_in every packet gets (`__sk_buff` fields), as the debugger's input */
  ctx?: Uint8Array;
}

/** Sent while a replay goes on. */
export interface CaptureProgress {
  done: number;
  total: number;
}

/** `CaptureReplay.timestamps` of a packet without a time (a pcapng Simple Packet Block has none): int64's least value. */
export const NO_TIME = -(1n << 63n);

/**
 * The per-packet results of a replay, column-wise (typed arrays keep a million rows small):
 * row i is packet i of the capture, `verdicts[i]` an index into `names`.
 */

export interface CaptureReplay {
  /** packets in the capture */
  total: number;
  /** packets run (fewer than total when the replay was stopped) */
  done: number;
  stopped: boolean;
  /** the low 32 bits of r0 (0 for a packet that did not run) */
  retvals: Uint32Array;
  verdicts: Uint16Array;
  /** "XDP_DROP", "keep all", "drop", "error: EINVAL", "fault" ... */
  names: string[];
  /** captured bytes of each packet */
  lengths: Uint32Array;
  /** capture time in nanoseconds since the epoch, of every packet (run or not); `NO_TIME` where the file gives none */
  timestamps: BigInt64Array;
  /** instructions each run executed */
  steps: Uint32Array;
  /** runs per verdict name, in order of first appearance */
  counts: { name: string; count: number }[];
  /** the replay stopped at a limit (its time limit) before the last packet */
  limit?: LimitStop;
}

/** The formats the Export menu offers. */
export type ExportFormat = 'hex' | 'bytes' | 'llvm' | 'ubpf' | 'request';

/** Exports the editor's program (assembled afresh) with the load settings and the run input. */
export interface ExportRequest {
  format: ExportFormat;
  text: string;
  syntax: Syntax;
  progType: number;
  logLevel: number;
  logSize: number;
  privileged: boolean;
  /** the run the request makes (request format) */
  input?: RunInput;
  /** tail-call programs and fd-array slots (request format) */
  setup?: Pick<LoadSetup, 'progs' | 'slots'>;
}

/** The exported file: text or bytes, with a file name to save it under. */
export type ExportResult =
  | { ok: true; filename: string; mime: string; text?: string; bytes?: Uint8Array }
  | { ok: false; error: string };

/** What a share link needs of the kernel: the program's maps as its run began, and where the run stands. */
export interface ShareState {
  /** the loaded program's maps with their contents before the current run (now, without a run) */
  maps: SharedMap[];
  /** the run's position (DebugSnapshot.position); 0 without a run */
  position: number;
  /** why the state cannot be shared exactly (a map with more entries than a link carries) */
  problems: string[];
}

/** A tracepoint's raw record built from the world and field values, as a run builds it. */
export interface TracepointRecordRequest {
  name: string;
  fields?: Record<string, number | string>;
}
