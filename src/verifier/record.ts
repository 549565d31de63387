/**
 * Records the walk for the analysis while it runs, cheaply: per visit the pc, the path and a
 * copy of the registers; stacks are copied once per version (a state's stack version changes
 * only when its stack does) and shared. At the end the record becomes the plain-data
 * `VerifierAnalysis` views, with register and stack views shared between visits where equal.
 */
import type { BpfMap } from '../kernel/types';
import type { PathInfo, RegView, StackSlotView, StateView, Visit } from './analysis';
import { regText } from './print';
import { MAX_BPF_REG, MAX_BPF_STACK, REG_TYPE_NAMES, REG_TYPE_STR, RegType, SPILL_BASE, STACK_VERSION, StackSlot, packetOffOf, packetRangeOf, payloadDecimal, type VState } from './state';

const { CONST_IMM, CONST_PTR_TO_MAP, NOT_INIT, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_PACKET, PTR_TO_STACK, UNKNOWN_VALUE } = RegType;

/** Visits that keep their state by default. */
export const DEFAULT_STATE_LIMIT = 8192;

export class Recorder {
  readonly pcs: number[] = [];
  readonly pathOf: number[] = [];
  /** registers (type, lo, hi) of each visit with a state, one after the other */
  private regs = new Int32Array(SPILL_BASE * 256);
  /** stack version of each visit with a state */
  private readonly versions: number[] = [];
  /** one copy of the state per stack version seen */
  private readonly stacks = new Map<number, VState>();
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
    if (v < this.stateLimit) {
      if ((v + 1) * SPILL_BASE > this.regs.length) {
        const bigger = new Int32Array(this.regs.length * 2);
        bigger.set(this.regs);
        this.regs = bigger;
      }
      this.regs.set(st.w.subarray(0, SPILL_BASE), v * SPILL_BASE);
      const ver = st.w[STACK_VERSION];
      this.versions.push(ver);
      if (!this.stacks.has(ver)) this.stacks.set(ver, st.clone());
    }
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
    const views = new Views(maps);
    const out: Visit[] = new Array(this.pcs.length);
    for (let v = 0; v < this.pcs.length; v++) {
      const state = v < this.versions.length ? views.state(this.regs, v * SPILL_BASE, this.stacks.get(this.versions[v])!, this.versions[v]) : null;
      const visit: Visit = { pc: this.pcs[v], path: this.pathOf[v], state };
      const by = this.prunedBy.get(v);
      if (by !== undefined) visit.prunedBy = by;
      if (this.remembered.has(v)) visit.remembered = true;
      out[v] = visit;
    }
    return out;
  }
}

/** Builds views, sharing equal register views and the stack part of equal stacks. */
class Views {
  private readonly regViews = new Map<string, RegView>();
  private readonly stackViews = new Map<number, { slots: StackSlotView[]; text: string }>();

  constructor(private readonly maps: readonly BpfMap[]) {}

  /** the state whose registers are at regs[at..at+33) and whose stack is that of `stackState` */
  state(regs: Int32Array, at: number, stackState: VState, version: number): StateView {
    const views: RegView[] = [];
    let text = '';
    for (let r = 0; r < MAX_BPF_REG; r++) {
      const t = regs[at + r * 3];
      if (t === NOT_INIT) continue;
      const view = this.reg(r, t, regs[at + r * 3 + 1], regs[at + r * 3 + 2]);
      views.push(view);
      text += ` R${r}=${view.text}`;
    }
    const stack = this.stack(stackState, version);
    return { text: (text + stack.text).slice(1), regs: views, stack: stack.slots };
  }

  private reg(reg: number, type: number, lo: number, hi: number): RegView {
    const key = `${reg},${type},${lo},${hi}`;
    let v = this.regViews.get(key);
    if (!v) this.regViews.set(key, (v = regView(this.maps, reg, type, lo, hi)));
    return v;
  }

  private stack(st: VState, version: number): { slots: StackSlotView[]; text: string } {
    let sv = this.stackViews.get(version);
    if (sv) return sv;
    const w = st.w;
    const slots: StackSlotView[] = [];
    let text = '';
    for (let b = 0; b < MAX_BPF_STACK; b += 8) {
      let bytes = '';
      let any = false;
      for (let i = 0; i < 8; i++) {
        const k = st.kind(b + i);
        if (k !== StackSlot.INVALID) any = true;
        bytes += BYTE_CHAR[k];
      }
      if (!any) continue;
      const slot: StackSlotView = { off: b - MAX_BPF_STACK, bytes };
      if (st.kind(b) === StackSlot.SPILL) {
        const i = SPILL_BASE + (b >> 3) * 3;
        slot.spilled = this.reg(-1, w[i], w[i + 1], w[i + 2]);
        text += ` fp${b - MAX_BPF_STACK}=${REG_TYPE_STR[w[i]]}`;
      }
      slots.push(slot);
    }
    this.stackViews.set(version, (sv = { slots, text }));
    return sv;
  }
}

const BYTE_CHAR = ['?', 's', 'm'];

function regView(maps: readonly BpfMap[], reg: number, type: number, lo: number, hi: number): RegView {
  const v: RegView = { reg, type: REG_TYPE_NAMES[type], text: regText(maps, type, lo, hi) };
  switch (type) {
    case CONST_IMM:
    case PTR_TO_STACK:
      v.value = payloadDecimal(lo, hi);
      break;
    case UNKNOWN_VALUE:
      v.knownZeroBits = lo;
      break;
    case PTR_TO_PACKET:
      v.id = lo >>> 0;
      v.off = packetOffOf(hi);
      v.range = packetRangeOf(hi);
      break;
    case CONST_PTR_TO_MAP:
    case PTR_TO_MAP_VALUE:
    case PTR_TO_MAP_VALUE_OR_NULL:
      v.map = lo;
      break;
  }
  return v;
}
