/** Assembling and loading: the editor's text in, diagnostics or a verdict with its log out. */
import type { Syntax } from './settings';
import type { MapInfo } from './maps';
import type { VerifierRefusal } from '../verifier/messages';

/**
 * Why the verifier refused a program: `id` names its message in the verifier's message table
 * (src/verifier/messages.ts, stable whatever the wording), `args` its arguments by name, `text`
 * the log line it printed (null for refusals without one), `pc` the instruction it is about.
 */
export type { VerifierRefusal, MessageId as VerifierMessageId, VerifierMessages } from '../verifier/messages';

/** An assembler error or warning at a 1-based line and column of the editor's text. */
export interface Diagnostic {
  line: number;
  col: number;
  /** 1-based column just past the offending text, when known */
  endCol?: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface AssembleRequest {
  text: string;
  syntax: Syntax;
}

/** What the editor needs of an assembled program. */
export interface ProgramView {
  /** number of 8-byte slots (insn_cnt) */
  slots: number;
  /** lines[pc]: the 1-based source line of the instruction at slot pc, null for a second half */
  lines: (number | null)[];
  /** text[pc]: the instruction as the 4.8 verifier log prints it ("" for a second half) */
  text: string[];
  /** label -> slot */
  labels: Record<string, number>;
  /** maps declared in the source */
  maps: { name: string; type: number; keySize: number; valueSize: number; maxEntries: number; line?: number }[];
  /** `.type`, `.license`, `.kern_version`, `.name` */
  directives: { progType?: number; license?: string; kernVersion?: number; name?: string };
}

/** The assembler's answer: a program (with any warnings), or the errors. */
export type AssembleResult =
  | { ok: true; program: ProgramView; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** BPF_PROG_LOAD as the toolbar configures it; the source is assembled first. */
export interface LoadRequest {
  text: string;
  syntax: Syntax;
  /** enum bpf_prog_type; a `.type` directive in the text wins */
  progType: number;
  /** 0 passes no log buffer; 1 and 2 ask for the log (2 adds bpflab's per-instruction state lines) */
  logLevel: 0 | 1 | 2;
  /** log_size in bytes (4.8 requires 128 ..= 16777215 when a log is asked for) */
  logSize: number;
  /** loaded with CAP_SYS_ADMIN */
  privileged: boolean;
  /** a `.license` directive in the text wins; default "GPL" */
  license?: string;
  /** kprobes: a `.kern_version` directive wins; default LINUX_VERSION_CODE */
  kernVersion?: number;
  /** what the loader sets up beside the program (lessons, opened share links) */
  setup?: LoadSetup;
}

/** What one slot of a map of file descriptors gets before the program loads. */
export type SlotValue =
  /** PROG_ARRAY: the fd of a program of `LoadSetup.progs` */
  | { prog: string }
  /** PERF_EVENT_ARRAY: a perf event opened on this CPU */
  | { perfCpu: number }
  /** CGROUP_ARRAY: a cgroup v2 directory ("/app", relative to /sys/fs/cgroup) */
  | { cgroup: string };

/**
 * What a loader process does beside loading the program, as a lesson or a share link needs it:
 * a fresh world, other programs (tail-call targets), fd-array slots, and map contents.
 */
export interface LoadSetup {
  /** boot a fresh kernel first, so the world (clock, PRNG) starts as its seed makes it; pinned objects come back */
  freshWorld?: boolean;
  /**
   * programs loaded beside the main one, with its maps (tail-call targets, and an object's other
   * programs), each with the type its `.type` directive names, else the main program's; those of
   * the main program's type load before it, the others after it
   */
  progs?: { name: string; text: string; syntax?: Syntax }[];
  /**
   * fd-array slots filled once the main program and `progs` are loaded; a slot's `prog` may name
   * the main program itself by its `.name` (samples/bpf's loader puts every `socket/N` program in
   * slot N, the one it attaches too)
   */
  slots?: { map: string; index: number; value: SlotValue }[];
  /**
   * contents that replace the source's `.entry` lines of these maps (a share link's maps), values
   * as MAP_UPDATE_ELEM takes them (per-CPU: round_up(value_size, 8) per CPU)
   */
  contents?: { name: string; entries: { key: Uint8Array; value: Uint8Array }[] }[];
}

/** The verifier's state of one register or stack slot, in the log's notation. */
export interface RegTypeView {
  reg: number;
  /** e.g. "ctx", "fp-8", "imm0", "map_value_or_null(ks=4,vs=8)" */
  type: string;
}

export interface SlotTypeView {
  /** offset from the frame pointer, e.g. -8 */
  off: number;
  /** "spill" for a spilled register (with its type), "misc" for data, "invalid" for never written */
  kind: 'spill' | 'misc' | 'invalid';
  type?: string;
  /** the kind of each of its 8 bytes, lowest address first: `?` never written, `m` data, `s` part of a spill */
  bytes?: string;
}

/** One state the verifier saw at an instruction, on one path. */
export interface VerifierStateView {
  regs: RegTypeView[];
  stack: SlotTypeView[];
  /** position of this visit in the walk (0-based): the visit's index, for provenance requests */
  order: number;
  /** the path of the walk this visit belongs to (AnalysisView.paths) */
  path: number;
  /** the branch this path came from (`from P to I`), if it began with a pop */
  from?: number;
  /** the walk stopped here because an earlier state covered this one */
  pruned?: boolean;
}

/**
 * The verifier's states, compactly: per visit numbers, and each distinct register list and stack
 * once (a 3,400-instruction program has 10,000 visits but a few hundred distinct states). Read
 * it through `statesAt(view, pc)` (src/protocol/states.ts), which makes `VerifierStateView`s
 * on first request.
 */
interface StateTable {
  /** every visit's slot and path, in walk order (also past the state limit) */
  pcs: Int32Array;
  pathOf: Int32Array;
  /** per visit with a state (the first ones, up to the verifier's state limit): its registers and stack, as indexes */
  regList: Int32Array;
  stack: Int32Array;
  /** the distinct register lists (initialised registers, in order) and stacks (slots that hold anything) */
  regLists: RegTypeView[][];
  stacks: SlotTypeView[][];
  /** the visits pruned as covered by a remembered state (the log's `safe` lines), in walk order */
  pruned: Int32Array;
}

/** The verifier's structured findings, for overlays in the editor and the panels. */
export interface AnalysisView {
  /** the states seen at every visit: `statesAt(view, pc)` lists those of one slot */
  table: StateTable;
  /** the slot of the instruction the error line belongs to */
  errorPc?: number;
  /** instructions processed (the log's `processed N insns`) */
  processed?: number;
  /** the walk's paths: path 0 from instruction 0, then one per branch pushed (`from P to I`) */
  paths: PathView[];
  /** the visit where the walk stopped with the error, if it stopped at an instruction */
  errorVisit?: number;
}

/** One path of the verifier's walk. */
export interface PathView {
  id: number;
  /** the path that pushed it (-1 for path 0) */
  parent: number;
  /** the jump that pushed it and its target (both 0 for path 0) */
  from: number;
  to: number;
  end: 'exit' | 'pruned' | 'error' | 'unexplored';
}

/** What one BPF_PROG_LOAD answers: the verdict and the verifier's log. */
interface ProgLoadVerdict {
  ok: boolean;
  /** 0 or a positive errno (EINVAL 22, EACCES 13, ENOSPC 28, ...) */
  errno: number;
  /** "EACCES" for 13, and so on; "" for success */
  errnoName: string;
  /** the log exactly as the verifier wrote it into log_buf ("" at log_level 0) */
  log: string;
  /** the log filled the buffer: cut at log_size - 1, and the load failed with ENOSPC */
  logTruncated: boolean;
  /** the program id when loaded */
  progId?: number;
  progType: number;
}

/** What a load answers: the verdict exactly as bpf(2) gives it, plus what the IDE overlays. */
export interface LoadResult extends ProgLoadVerdict {
  /** 'assemble' when the text did not assemble (then diagnostics say why and nothing was loaded) */
  stage: 'assemble' | 'load';
  diagnostics: Diagnostic[];
  program?: ProgramView;
  analysis?: AnalysisView;
  /** why the verifier refused it, by message id (absent when accepted, or refused outside the verifier) */
  refusal?: VerifierRefusal;
  /** the maps of the kernel after the load (declared maps are created by the load) */
  maps: MapInfo[];
  /** what of `LoadRequest.setup` could not be done (an unknown map, a program that did not load) */
  setupProblems?: string[];
  /** the setup's other programs that loaded (tail-call targets), in the setup's order */
  others?: OtherProgramView[];
  /**
   * what BPF_PROG_LOAD of each of the setup's other programs answered, in the setup's order (those
   * that did not assemble are not here): each had its own load with the request's log_level and
   * log_size, as a loader makes one bpf(2) call a program
   */
  programLogs?: ProgramLogView[];
}

/** One BPF_PROG_LOAD of a program of the setup: its verdict and its own verifier log. */
export interface ProgramLogView extends ProgLoadVerdict {
  name: string;
}

/** A program of the setup beside the main one (a tail-call target): its text, lines and verifier states. */
export interface OtherProgramView {
  /** its name in the setup (what prog_array slots name) */
  name: string;
  progId: number;
  /** the type it was loaded with */
  progType: number;
  text: string;
  program: ProgramView;
  analysis?: AnalysisView;
}
