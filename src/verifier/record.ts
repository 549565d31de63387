/**
 * Records the walk for the analysis while it runs (cheap: numbers and state copies up to a
 * limit), and turns the record into the plain-data `VerifierAnalysis` views at the end.
 */
import type { BpfMap } from '../kernel/types';
import type { PathInfo, RegView, StackSlotView, StateView, Visit } from './analysis';
import { regText, stateLine } from './print';
import {
  MAX_BPF_REG,
  MAX_BPF_STACK,
  REG_TYPE_NAMES,
  RegType,
  SPILL_BASE,
  StackSlot,
  payloadValue,
  pktOff,
  pktRange,
  type VState,
} from './state';

// module-local copies: hot paths skip the getters of imported bindings
const { CONST_IMM, CONST_PTR_TO_MAP, NOT_INIT, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_PACKET, PTR_TO_STACK, UNKNOWN_VALUE } = RegType;
const { INVALID: STACK_INVALID, SPILL: STACK_SPILL } = StackSlot;

/** States kept per verification by default (about 1.4 KB each). */
export const DEFAULT_STATE_LIMIT = 8192;

export class Recorder {
  readonly pcs: number[] = [];
  readonly pathOf: number[] = [];
  readonly snaps: (VState | null)[] = [];
  readonly prunedBy = new Map<number, number>();
  readonly remembered = new Set<number>();
  readonly paths: PathInfo[] = [{ id: 0, parent: -1, from: 0, to: 0, branchVisit: -1, firstVisit: -1, end: 'unexplored' }];
  readonly stateLimit: number;

  constructor(stateLimit = DEFAULT_STATE_LIMIT) {
    this.stateLimit = stateLimit;
  }

  /** A visit of `pc` on `path` with `st` as the state before it; returns its index. */
  visit(pc: number, path: number, st: VState): number {
    const v = this.pcs.length;
    this.pcs.push(pc);
    this.pathOf.push(path);
    this.snaps.push(v < this.stateLimit ? st.clone() : null);
    const p = this.paths[path];
    if (p.firstVisit < 0) p.firstVisit = v;
    return v;
  }

  /** A branch pushed by the jump at `from` (the latest visit) towards `to`. */
  push(id: number, parent: number, from: number, to: number): void {
    this.paths[id] = { id, parent, from, to, branchVisit: this.pcs.length - 1, firstVisit: -1, end: 'unexplored' };
  }

  end(path: number, how: PathInfo['end']): void {
    this.paths[path].end = how;
  }

  /** The visits as plain data. */
  visits(maps: readonly BpfMap[]): Visit[] {
    const out: Visit[] = new Array(this.pcs.length);
    for (let v = 0; v < this.pcs.length; v++) {
      const snap = this.snaps[v];
      const visit: Visit = { pc: this.pcs[v], path: this.pathOf[v], state: snap ? stateView(maps, snap) : null };
      const by = this.prunedBy.get(v);
      if (by !== undefined) visit.prunedBy = by;
      if (this.remembered.has(v)) visit.remembered = true;
      out[v] = visit;
    }
    return out;
  }
}

function regView(maps: readonly BpfMap[], reg: number, type: number, lo: number, hi: number): RegView {
  const v: RegView = { reg, type: REG_TYPE_NAMES[type], text: regText(maps, type, lo, hi) };
  switch (type) {
    case CONST_IMM:
    case PTR_TO_STACK:
      v.value = payloadValue(lo, hi).toString();
      break;
    case UNKNOWN_VALUE:
      v.knownZeroBits = lo;
      break;
    case PTR_TO_PACKET:
      v.id = lo >>> 0;
      v.off = pktOff(hi);
      v.range = pktRange(hi);
      break;
    case CONST_PTR_TO_MAP:
    case PTR_TO_MAP_VALUE:
    case PTR_TO_MAP_VALUE_OR_NULL:
      v.map = lo;
      break;
  }
  return v;
}

const BYTE_CHAR = ['?', 's', 'm'];

/** A state as plain data, in the log's notation plus structured fields. */
export function stateView(maps: readonly BpfMap[], st: VState): StateView {
  const w = st.w;
  const regs: RegView[] = [];
  for (let r = 0; r < MAX_BPF_REG; r++) {
    const t = w[r * 3];
    if (t !== NOT_INIT) regs.push(regView(maps, r, t, w[r * 3 + 1], w[r * 3 + 2]));
  }
  const stack: StackSlotView[] = [];
  for (let b = 0; b < MAX_BPF_STACK; b += 8) {
    let bytes = '';
    let any = false;
    for (let i = 0; i < 8; i++) {
      const k = st.stack[b + i];
      if (k !== STACK_INVALID) any = true;
      bytes += BYTE_CHAR[k];
    }
    if (!any) continue;
    const slot: StackSlotView = { off: b - MAX_BPF_STACK, bytes };
    const i = SPILL_BASE + (b >> 3) * 3;
    if (st.stack[b] === STACK_SPILL) slot.spilled = regView(maps, -1, w[i], w[i + 1], w[i + 2]);
    stack.push(slot);
  }
  return { text: stateLine(maps, st).slice(1), regs, stack };
}
