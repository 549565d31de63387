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
import { MASK_BASE, MASK_WORDS, MAX_BPF_REG, RegType, SPILL_BASE, packetOffOf, packetRangeOf, type VState } from './state';

const { NOT_INIT, PTR_TO_PACKET, UNKNOWN_VALUE } = RegType;

/** An old packet pointer covers a current one (same id; old allows no more than current). */
function pktCovers(ow: Int32Array, oi: number, cw: Int32Array, ci: number): boolean {
  if (ow[oi + 1] !== cw[ci + 1]) return false;
  const oOff = packetOffOf(ow[oi + 2]);
  const oRange = packetRangeOf(ow[oi + 2]);
  const cOff = packetOffOf(cw[ci + 2]);
  const cRange = packetRangeOf(cw[ci + 2]);
  if (oOff === cOff && oRange < cRange) return true;
  return oOff <= cOff && oOff >= oRange && cOff >= cRange;
}

/** How many stack bytes the state has written (a remembered state must not have more to cover another). */
function writtenBytes(w: Int32Array): number {
  let n = 0;
  for (let k = 0; k < MASK_WORDS; k++) {
    let x = w[MASK_BASE + k];
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return n;
}

/**
 * The register half of 4.8's states_equal, on the (type, lo, hi) words of both states: whether
 * the remembered (old) registers cover the current ones. Note the 4.8 weakness kept on purpose:
 * an old UNKNOWN register covers any initialised current register, pointers included.
 */
function regsCover(ow: Int32Array, cw: Int32Array): boolean {
  for (let i = 0; i < SPILL_BASE; i += 3) {
    const ot = ow[i];
    const ct = cw[i];
    if (ot === ct && ow[i + 1] === cw[i + 1] && ow[i + 2] === cw[i + 2]) continue;
    if (ot === RegType.NOT_INIT) continue;
    if (ot === RegType.UNKNOWN_VALUE && ct !== RegType.NOT_INIT) continue;
    if (ot === RegType.PTR_TO_PACKET && ct === RegType.PTR_TO_PACKET && pktCovers(ow, i, cw, i)) continue;
    return false;
  }
  return true;
}

/**
 * The stack half of states_equal: every byte old wrote, cur wrote with the same kind, and the
 * saved registers of old's spilled slots are identical. Works on the summary bits (a slot whose
 * first byte is misc has its saved register cleared in both states, so only spilled slots are
 * compared); old's summary bits are at `om[ob..ob+32)` (a compact copy), its words in `ow`.
 */
function stackCoversMasks(om: Int32Array, ob: number, ow: Int32Array, cw: Int32Array): boolean {
  for (let k = 0; k < MASK_WORDS; k++) {
    const oWritten = om[ob + k];
    if (oWritten === 0) continue;
    if ((oWritten & ~cw[MASK_BASE + k]) !== 0) return false;
    const oSpill = om[ob + MASK_WORDS + k];
    if (((oSpill ^ cw[MASK_BASE + MASK_WORDS + k]) & oWritten) !== 0) return false;
    if (oSpill === 0) continue;
    for (let j = 0; j < 4; j++) {
      if ((oSpill & (1 << (j * 8))) === 0) continue;
      const i = SPILL_BASE + (k * 4 + j) * 3;
      if (ow[i] !== cw[i] || ow[i + 1] !== cw[i + 1] || ow[i + 2] !== cw[i + 2]) return false;
    }
  }
  return true;
}

/** A remembered state and the visit that remembered it. */
interface Explored {
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
