/**
 * The verifier's findings for the IDE, as plain data (structured clone copies it whole): every
 * visit of an instruction in exploration order with the path it belongs to and the state the
 * verifier had there, the paths (one per explored branch), which visits were pruned and by
 * which remembered state, and where the verifier stopped.
 */
import type { VerifierRefusal } from './messages';
import type { RegTypeName } from './state';

/** One register as the verifier saw it. */
export interface RegView {
  /** 0..10; -1 for a spilled register */
  reg: number;
  type: RegTypeName;
  /** as the log prints it after `R<n>=`: `imm-1`, `fp-8`, `inv56`, `pkt(id=0,off=8,r=8)` */
  text: string;
  /** CONST_IMM: the value; PTR_TO_STACK: the offset from fp (signed 64-bit, decimal) */
  value?: string;
  /** UNKNOWN_VALUE: upper bits known to be zero (0: nothing known) */
  knownZeroBits?: number;
  /** PTR_TO_PACKET */
  id?: number;
  off?: number;
  range?: number;
  /** map types: the index of the map in `VerifierAnalysis.maps` */
  map?: number;
}

/** One 8-byte stack slot that holds anything. */
export interface StackSlotView {
  /** offset of its lowest byte from fp: -512 .. -8 */
  off: number;
  /** kinds of its 8 bytes from the lowest address: `?` invalid, `m` misc (data), `s` part of a spill */
  bytes: string;
  /** the register a spill saved (what a fill of this slot gives back) */
  spilled?: RegView;
}

/** The verifier's state at one point of one path. */
export interface StateView {
  /** the log's state line without its leading space: `R1=ctx R10=fp fp-8=ctx` */
  text: string;
  /** initialised registers, in order */
  regs: RegView[];
  /** slots with at least one byte that is not invalid, lowest address first */
  stack: StackSlotView[];
}

/** One visit of one instruction. */
export interface Visit {
  pc: number;
  /** the path being explored (see `paths`) */
  path: number;
  /** the state before the instruction; null past `stateLimit` */
  state: StateView | null;
  /** the state was found equivalent to the one remembered at this visit: the path ended here (`safe`) */
  prunedBy?: number;
  /** this visit's state was remembered at its pruning point */
  remembered?: boolean;
}

/**
 * The visits as the walk recorded them: per visit its pc and path, and (for the first
 * `stateLimit` visits) which register list and which stack it had, as indexes into the distinct
 * ones. `visits` is this table made into one object per visit; read the table where the
 * visits are many (a view of every visit costs objects per visit, the table does not).
 */
export interface VisitTable {
  /** every visit's pc and path, in walk order */
  pcs: number[];
  pathOf: number[];
  /** per visit with a state: the index of its registers in `regLists` and of its stack in `stacks` */
  regList: number[];
  stack: number[];
  /** the distinct register lists (a state's initialised registers, in order) */
  regLists: RegView[][];
  /** the distinct stacks (a state's slots that hold anything, lowest address first) */
  stacks: StackSlotView[][];
  /** pruned visit -> the visit whose remembered state covered it */
  prunedBy: Map<number, number>;
  /** the visits whose state was remembered at their pruning point */
  remembered: Set<number>;
}

/** One path: the first from insn 0, then one per branch pushed by a conditional jump. */
export interface PathInfo {
  id: number;
  /** the path that pushed it (-1 for path 0) */
  parent: number;
  /** the jump that pushed it and its target: the log's `from P to I` (both 0 for path 0) */
  from: number;
  to: number;
  /** the visit of the jump (-1 for path 0) */
  branchVisit: number;
  /** its first visit, -1 if it was never explored */
  firstVisit: number;
  /** how it ended: reached exit, pruned, hit the error, or left unexplored when the walk stopped */
  end: 'exit' | 'pruned' | 'error' | 'unexplored';
}

/** A map the program uses, as the analysis lists it. */
interface AnalysisMap {
  id: number;
  name: string;
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** the address the rewritten ld_imm64 loads, hex */
  addr: string;
}

/** Everything the verifier found, for the IDE. */
export interface VerifierAnalysis {
  ok: boolean;
  errno: number;
  /** how far the load got: the syscall checks, the pre-scan, the CFG check, or the path walk */
  stage: 'syscall' | 'prescan' | 'cfg' | 'walk';
  privileged: boolean;
  progType: number;
  /** slots in the program (ld_imm64 counts two) */
  insnCount: number;
  /** `processed N insns`: visits, including the pruned ones */
  processed: number;
  /** instructions where states are remembered and compared */
  pruningPoints: number[];
  maps: AnalysisMap[];
  /** every visit in exploration order (made from `table` on first use) */
  visits: Visit[];
  /** the visits compactly: what the IDE's views are made from */
  table: VisitTable;
  paths: PathInfo[];
  /** for each slot, the indexes of its visits in `visits` (made on first use) */
  visitsByPc: number[][];
  /** visits past this many carry no state (the analysis stays small for huge walks) */
  stateLimit: number;
  /** where and why the load was refused (pc null for checks not about one instruction) */
  error: { pc: number | null; message: string } | null;
  /** why BPF_PROG_LOAD failed, by the message table's id with its arguments (ENOSPC: `log_full`) */
  refusal: VerifierRefusal | null;
}
