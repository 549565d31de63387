/**
 * What the IDE asks about a loaded program beyond its verdict: where a value came from along one
 * of the verifier's paths, and the verifier's exploration as a control-flow graph.
 */

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
