/**
 * Records the walk for the analysis while it runs, compactly: per visit its pc, its path, and
 * which distinct register set and which stack it had (a register set is interned by its words
 * when the visit is recorded; a stack is copied once per version, a state's stack version
 * changing only when its stack does). The views are made once per distinct piece, when the
 * walk is over: a register list per distinct register set, a slot list per stack
 * (`VisitTable`); the per-visit `Visit`/`StateView` objects only when someone asks for them.
 */
import type { BpfMap } from '../kernel/types';
import type { PathInfo, RegView, StackSlotView, StateView, Visit, VisitTable } from './analysis';
import { regText } from './print';
import { BPF_REG_SIZE, MASK_BASE, MASK_WORDS, MAX_BPF_REG, MAX_BPF_STACK, REG_TYPE_NAMES, REG_TYPE_STR, RegType, SPILL_BASE, STACK_SLOTS, STACK_VERSION, packetOffOf, packetRangeOf, payloadDecimal, type VState } from './state';

const { CONST_IMM, CONST_PTR_TO_MAP, NOT_INIT, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_PACKET, PTR_TO_STACK, UNKNOWN_VALUE } = RegType;

/** Visits that keep their state by default. */
export const DEFAULT_STATE_LIMIT = 8192;

/** the register words of a state: R0..R10, (type, lo, hi) each */
const REG_WORDS = SPILL_BASE;

export class Recorder {
  readonly pcs: number[] = [];
  readonly pathOf: number[] = [];
  /** the distinct register sets seen, REG_WORDS words each, one after the other */
  private regWords = new Int32Array(REG_WORDS * 256);
  private regSets = 0;
  /** register sets by the hash of their words */
  private readonly regSetsByHash = new Map<number, number | number[]>();
  /** per visit with a state: its register set, and its stack (index into `stacks`) */
  private readonly regSetOf: number[] = [];
  private readonly stackOf: number[] = [];
  /** one copy of the state per stack version seen, and the index of each version */
  private readonly stacks: VState[] = [];
  private readonly stackIndex = new Map<number, number>();
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
      this.regSetOf.push(this.regSet(st.w));
      const ver = st.w[STACK_VERSION];
      let s = this.stackIndex.get(ver);
      if (s === undefined) {
        s = this.stacks.push(st.clone()) - 1;
        this.stackIndex.set(ver, s);
      }
      this.stackOf.push(s);
    }
    const p = this.paths[path];
    if (p.firstVisit < 0) p.firstVisit = v;
    return v;
  }

  /** The number of the register set in `w`, interned. */
  private regSet(w: Int32Array): number {
    let h = 0;
    for (let i = 0; i < REG_WORDS; i++) h = Math.imul(h ^ w[i], 0x9e3779b1) ^ (h >>> 15);
    const found = this.regSetsByHash.get(h);
    if (found !== undefined) {
      if (typeof found === 'number') {
        if (this.sameRegs(found, w)) return found;
      } else {
        for (const n of found) if (this.sameRegs(n, w)) return n;
      }
    }
    const n = this.regSets++;
    if ((n + 1) * REG_WORDS > this.regWords.length) {
      const bigger = new Int32Array(this.regWords.length * 2);
      bigger.set(this.regWords);
      this.regWords = bigger;
    }
    for (let i = 0; i < REG_WORDS; i++) this.regWords[n * REG_WORDS + i] = w[i];
    if (found === undefined) this.regSetsByHash.set(h, n);
    else if (typeof found === 'number') this.regSetsByHash.set(h, [found, n]);
    else found.push(n);
    return n;
  }

  private sameRegs(n: number, w: Int32Array): boolean {
    const words = this.regWords;
    const at = n * REG_WORDS;
    for (let i = 0; i < REG_WORDS; i++) if (words[at + i] !== w[i]) return false;
    return true;
  }

  /** A branch pushed by the jump at `from` (the latest visit) towards `to`. */
  push(id: number, parent: number, from: number, to: number): void {
    this.paths[id] = { id, parent, from, to, branchVisit: this.pcs.length - 1, firstVisit: -1, end: 'unexplored' };
  }

  end(path: number, how: PathInfo['end']): void {
    this.paths[path].end = how;
  }

  /** The record as the analysis' table: each distinct register list and stack made into views once. */
  table(maps: readonly BpfMap[]): VisitTable {
    const views = new Views(maps);
    const regLists: RegView[][] = new Array(this.regSets);
    for (let n = 0; n < this.regSets; n++) regLists[n] = views.regList(this.regWords, n * REG_WORDS);
    return {
      pcs: this.pcs,
      pathOf: this.pathOf,
      regList: this.regSetOf,
      stack: this.stackOf,
      regLists,
      stacks: this.stacks.map((st) => views.stack(st)),
      prunedBy: this.prunedBy,
      remembered: this.remembered,
    };
  }
}

/** The visits of a table as `Visit` objects, states shared between visits with the same registers and stack. */
export function visitsOf(t: VisitTable): Visit[] {
  const states = new Map<number, StateView>();
  const regTexts: (string | undefined)[] = new Array(t.regLists.length);
  const stackTexts: (string | undefined)[] = new Array(t.stacks.length);
  const out: Visit[] = new Array(t.pcs.length);
  for (let v = 0; v < t.pcs.length; v++) {
    let state: StateView | null = null;
    if (v < t.regList.length) {
      const r = t.regList[v];
      const s = t.stack[v];
      const key = r * t.stacks.length + s;
      state = states.get(key) ?? null;
      if (!state) {
        const text = (regTexts[r] ??= regListText(t.regLists[r])) + (stackTexts[s] ??= stackText(t.stacks[s]));
        states.set(key, (state = { text: text.slice(1), regs: t.regLists[r], stack: t.stacks[s] }));
      }
    }
    const visit: Visit = { pc: t.pcs[v], path: t.pathOf[v], state };
    const by = t.prunedBy.get(v);
    if (by !== undefined) visit.prunedBy = by;
    if (t.remembered.has(v)) visit.remembered = true;
    out[v] = visit;
  }
  return out;
}

const regListText = (regs: RegView[]): string => regs.map((r) => ` R${r.reg}=${r.text}`).join('');
const stackText = (slots: StackSlotView[]): string =>
  slots.map((s) => (s.spilled ? ` fp${s.off}=${REG_TYPE_STR[RegType[s.spilled.type]]}` : '')).join('');

/** Builds views, sharing equal register views. */
class Views {
  /** views by the hash of (reg, type, lo, hi), with the words each was made from */
  private readonly regViews = new Map<number, { reg: number; type: number; lo: number; hi: number; view: RegView }[]>();

  constructor(private readonly maps: readonly BpfMap[]) {}

  /** the initialised registers among the REG_WORDS words at words[at..] */
  regList(words: Int32Array, at: number): RegView[] {
    const out: RegView[] = [];
    for (let r = 0; r < MAX_BPF_REG; r++) {
      const t = words[at + r * 3];
      if (t !== NOT_INIT) out.push(this.reg(r, t, words[at + r * 3 + 1], words[at + r * 3 + 2]));
    }
    return out;
  }

  private reg(reg: number, type: number, lo: number, hi: number): RegView {
    const h = Math.imul(Math.imul(Math.imul(reg + 2, 31) ^ type, 0x9e3779b1) ^ lo, 0x85ebca6b) ^ hi;
    let bucket = this.regViews.get(h);
    if (!bucket) this.regViews.set(h, (bucket = []));
    for (const e of bucket) if (e.reg === reg && e.type === type && e.lo === lo && e.hi === hi) return e.view;
    const view = regView(this.maps, reg, type, lo, hi);
    bucket.push({ reg, type, lo, hi, view });
    return view;
  }

  /** the slots of a stack that hold anything, lowest address first (read from its bitmaps) */
  stack(st: VState): StackSlotView[] {
    const w = st.w;
    const slots: StackSlotView[] = [];
    for (let slot = 0; slot < STACK_SLOTS; slot++) {
      const k = MASK_BASE + (slot >> 2);
      const shift = (slot & 3) * 8;
      const written = (w[k] >>> shift) & 0xff;
      if (written === 0) continue;
      const spill = (w[k + MASK_WORDS] >>> shift) & 0xff;
      const view: StackSlotView = { off: slot * BPF_REG_SIZE - MAX_BPF_STACK, bytes: slotBytes(written, spill & written) };
      if (written & spill & 1) {
        const i = SPILL_BASE + slot * 3;
        view.spilled = this.reg(-1, w[i], w[i + 1], w[i + 2]);
      }
      slots.push(view);
    }
    return slots;
  }
}

/** A slot's 8 byte kinds from its written and spill bits (bit i: the byte at the slot's address + i), made once each. */
const BYTES: (string | undefined)[] = [];
function slotBytes(written: number, spill: number): string {
  const key = written | (spill << 8);
  let s = BYTES[key];
  if (s === undefined) {
    s = '';
    for (let i = 0; i < BPF_REG_SIZE; i++) s += (written >> i) & 1 ? ((spill >> i) & 1 ? 's' : 'm') : '?';
    BYTES[key] = s;
  }
  return s;
}

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
