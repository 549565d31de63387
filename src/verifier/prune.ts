/**
 * The states remembered at one pruning point, and the search for one that covers the current
 * state (4.8's is_state_visited with states_equal). 4.8 compares against every remembered
 * state in turn; the answer here is the same (whether some remembered state covers the current
 * one), found through an index: a remembered state can only cover the current one if its
 * "strict" registers (any type but NOT_INIT and UNKNOWN) are identical to the current ones
 * (packet pointers: same id), so states are grouped by their exact registers and the groups
 * are found by hashing the current registers under each group's strict-register mask. Within
 * a group only stacks differ; their summary bits are kept side by side for a fast scan.
 */
import * as stateModule from './state';
import type { VState } from './state';

// module-local copies: hot paths skip the getters of imported bindings
const { MASK_BASE, MASK_WORDS, MAX_BPF_REG, RegType, SPILL_BASE, regsCover, stackCoversMasks, writtenBytes } = stateModule;
const { NOT_INIT, PTR_TO_PACKET, UNKNOWN_VALUE } = RegType;

/** A remembered state and the visit that remembered it. */
export interface Explored {
  state: VState;
  visit: number;
}

const SUMMARY = 2 * MASK_WORDS;

interface Group {
  /** the registers (type, lo, hi) all states of the group share */
  regs: Int32Array;
  entries: Explored[];
  /** entry i's stack summary at [i * SUMMARY, (i + 1) * SUMMARY) */
  masks: Int32Array;
  /** entry i's number of written stack bytes: an old state that wrote more cannot cover */
  written: number[];
}

interface MaskBucket {
  /** registers compared exactly (bit r) */
  strict: number;
  /** registers that are packet pointers: type and id compared */
  pkt: number;
  byKey: Map<number, Group[]>;
}

function regsKey(w: Int32Array, strict: number, pkt: number): number {
  let h = 0x811c9dc5 | 0;
  for (let r = 0; r < MAX_BPF_REG; r++) {
    const bit = 1 << r;
    if ((strict | pkt) & bit) {
      h = Math.imul(h ^ w[r * 3], 0x01000193);
      h = Math.imul(h ^ w[r * 3 + 1], 0x01000193);
      if (strict & bit) h = Math.imul(h ^ w[r * 3 + 2], 0x01000193);
    }
  }
  return h;
}

function sameRegs(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < SPILL_BASE; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The remembered states of one instruction. */
export class ExploredStates {
  private readonly buckets: MaskBucket[] = [];
  /** groups by the hash of all their registers, to add a state to its group */
  private readonly exact = new Map<number, Group[]>();

  /** A remembered state that covers `cur`, or null (the newest of its group first). */
  find(cur: VState): Explored | null {
    const cw = cur.w;
    const written = writtenBytes(cw);
    for (const b of this.buckets) {
      const groups = b.byKey.get(regsKey(cw, b.strict, b.pkt));
      if (!groups) continue;
      for (const g of groups) {
        if (!regsCover(g.regs, cw)) continue;
        for (let i = g.entries.length - 1; i >= 0; i--) {
          if (g.written[i] > written) continue;
          const e = g.entries[i];
          if (stackCoversMasks(g.masks, i * SUMMARY, e.state.w, cw)) return e;
        }
      }
    }
    return null;
  }

  /** Remembers a state (the caller's copy). */
  add(e: Explored): void {
    const w = e.state.w;
    const g = this.groupOf(w);
    const i = g.entries.length;
    g.entries.push(e);
    g.written.push(writtenBytes(w));
    if ((i + 1) * SUMMARY > g.masks.length) {
      const bigger = new Int32Array(g.masks.length * 2);
      bigger.set(g.masks);
      g.masks = bigger;
    }
    g.masks.set(w.subarray(MASK_BASE, MASK_BASE + SUMMARY), i * SUMMARY);
  }

  private groupOf(w: Int32Array): Group {
    const all = regsKey(w, (1 << MAX_BPF_REG) - 1, 0);
    let list = this.exact.get(all);
    if (!list) this.exact.set(all, (list = []));
    for (const g of list) if (sameRegs(g.regs, w)) return g;
    const g: Group = { regs: w.slice(0, SPILL_BASE), entries: [], masks: new Int32Array(SUMMARY * 4), written: [] };
    list.push(g);
    let strict = 0;
    let pkt = 0;
    for (let r = 0; r < MAX_BPF_REG; r++) {
      const t = w[r * 3];
      if (t === PTR_TO_PACKET) pkt |= 1 << r;
      else if (t !== NOT_INIT && t !== UNKNOWN_VALUE) strict |= 1 << r;
    }
    let bucket = this.buckets.find((b) => b.strict === strict && b.pkt === pkt);
    if (!bucket) this.buckets.push((bucket = { strict, pkt, byKey: new Map() }));
    const key = regsKey(w, strict, pkt);
    const groups = bucket.byKey.get(key);
    if (groups) groups.push(g);
    else bucket.byKey.set(key, [g]);
    return g;
  }
}
