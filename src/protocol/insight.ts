/**
 * What the IDE asks about a loaded program beyond its verdict: where a value came from along one
 * of the verifier's paths, the verifier's exploration as a control-flow graph, and an input that
 * shows what a refused program would have done.
 */
import type { DebugUpdate } from './debug';

/** A place that holds a value: a register (0..10), or the stack bytes of a slot (fp offset of its lowest byte). */
export type Place = { reg: number } | { stack: number };

export interface ProvenanceRequest {
  /** the visit (VerifierStateView.order) whose state is asked about: the state before its instruction */
  visit: number;
  place: Place;
}

/** One instruction of the chain that produced a value, latest first. */
export interface ProvenanceStep {
  visit: number;
  pc: number;
  /**
   * `write`: the instruction wrote the value (a move, ALU, a load, a fill, a store to the stack,
   * a call's result); `refine`: it changed what the verifier knows of the value without writing
   * it (a NULL check, a packet range check, a call that forgets packet pointers); `clobber`: a
   * call or LD_ABS/LD_IND left the register uninitialised
   */
  kind: 'write' | 'refine' | 'clobber';
  /** the place this instruction gave its value to (or refined) */
  place: Place;
  /** in words: "r2 = fp-8 (r2 = r10, then += -8)", "R0 map_value_or_null -> map_value" */
  note: string;
}

/** Where a value came from, backwards through moves, ALU, loads, spills and fills. */
export interface ProvenanceView {
  visit: number;
  place: Place;
  /** the verifier's view of the place at that visit, in the log's notation ("" if uninitialised) */
  type: string;
  steps: ProvenanceStep[];
  /** the distinct pcs of `steps`, for highlights */
  pcs: number[];
  /** what the chain starts from that no instruction made: "the context (r1 at entry)", "the frame pointer r10" */
  origins: string[];
  /** false if part of the path had no recorded state (past the analysis's state limit) */
  complete: boolean;
}

/** One basic block of the control-flow graph, with what the verifier's walk did there. */
export interface GraphBlock {
  id: number;
  /** first and last slot (an ld_imm64 ends at its second slot) */
  start: number;
  end: number;
  /** the kernel-log text of each instruction, in order (second halves left out) */
  insns: { pc: number; text: string }[];
  /** visits of its first instruction (how often the walk entered it, pruned entries included) */
  entries: number;
  /** visits of all its instructions (its share of `processed N insns`) */
  processed: number;
  /** entries that ended as `safe`: pruned as equal to an explored state */
  pruned: number;
  /** position of its first visit in the walk (-1: never reached) */
  firstVisit: number;
  /** the walk never reached it */
  unreached: boolean;
  /** the verifier stopped with its error inside this block */
  error: boolean;
  /** on the path that was refused */
  onErrorPath: boolean;
}

export interface GraphEdge {
  from: number;
  to: number;
  /** `fall`: to the next instruction; `taken`: a conditional jump's target; `jump`: a goto */
  kind: 'fall' | 'taken' | 'jump';
  /** times the walk went along it (from a block's last instruction to the next block's first) */
  walked: number;
  /** branches pushed along it (to be explored later) */
  pushed: number;
  onErrorPath: boolean;
}

/** One path of the walk, as in the analysis (`from P to I`), with the blocks it went through. */
export interface WalkPath {
  id: number;
  parent: number;
  from: number;
  to: number;
  end: 'exit' | 'pruned' | 'error' | 'unexplored';
  /** blocks entered, in order (its own visits only, not its parent's) */
  blocks: number[];
  /** position of its first visit in the walk (-1: never explored) */
  firstVisit: number;
  /** where it was pruned: the visit that covered it */
  prunedBy?: number;
}

/** The control-flow graph and the verifier's exploration over it. */
export interface ExplorationView {
  blocks: GraphBlock[];
  edges: GraphEdge[];
  paths: WalkPath[];
  /** total visits (`processed N insns`) */
  processed: number;
  /** the refused path from instruction 0 to the error, as blocks */
  errorTrail: number[];
  errorPc?: number;
  /** the load stopped before the walk (syscall checks, pre-scan, CFG check): no exploration */
  noWalk?: string;
}

/** "Show me a run": a search for an input that drives the refused path to the refused instruction. */
export interface RunSearchRequest {
  /** how long the search may take (milliseconds; at most 30,000) */
  timeMs?: number;
  /** a frame to start from (the input panel's packet); a sample TCP packet if absent */
  packet?: Uint8Array;
}

/** Map contents that differ from the program's declared ones, for a run. */
export interface RunSearchMap {
  name: string;
  /** elements set (hash maps: present), key and value as MAP_UPDATE_ELEM takes them */
  entries: { key: Uint8Array; value: Uint8Array }[];
  /** keys of declared elements that must be absent (hash maps) */
  deleted: Uint8Array[];
}

/** What the search found, or why it found nothing; when found, the run was checked in the interpreter. */
export interface RunSearchResult {
  found: boolean;
  /** the refused instruction, its message, and what the refusal predicts a run would do there */
  refusal: { pc: number; message: string; predicted: string } | null;
  /** why nothing was found (also set when the refusal is not about a value) */
  reason?: string;
  /** the input: the frame (packet programs), the context bytes (kprobe, tracepoint, a tc ctx_in), the maps */
  input?: { packet?: Uint8Array; ctx?: Uint8Array; maps: RunSearchMap[] };
  /** the refused path as slots, instruction 0 first, the refused instruction last */
  trail: number[];
  /** what the interpreter did at the refused instruction */
  outcome?: string;
  /** candidate inputs run, and the time taken */
  runs: number;
  ms: number;
}

/** "Show me a run": the search, and when it found an input, the unverified debug run it starts. */
export interface ShownRun {
  search: RunSearchResult;
  /**
   * the debug run of the program loaded without the verifier on the found input, paused after
   * the refused instruction ran (stepping back and forth works as in any run)
   */
  update?: DebugUpdate;
  /** the debug run followed the refused path to the refused instruction here too */
  reached?: boolean;
  /** why the debug run here did not show what the search showed (the world's randomness, a helper's answer) */
  note?: string;
}
