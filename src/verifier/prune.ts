/**
 * The states remembered at one pruning point, and the search for one that covers the current
 * state (4.8's is_state_visited with states_equal). 4.8 keeps them in a list, newest first, and
 * compares the current state with each in turn until one covers it. `IndexedStates` finds the
 * same state, the newest one that covers, without comparing with the others:
 *
 * - Registers. An old state covers the current one only if its "strict" registers (any type but
 *   NOT_INIT and UNKNOWN_VALUE) are identical to the current ones (packet pointers: the same id;
 *   their off and range are compared after). States are grouped by their exact registers, and
 *   groups are found by hashing the current registers under each group's strict mask: a group
 *   whose strict registers differ costs nothing.
 * - Stacks. In a group only stacks differ. An old stack covers the current one when every slot
 *   it wrote covers the current slot (the same kinds where old wrote, the same saved register
 *   where old's first byte is written); a slot old never wrote covers anything. A group keeps its
 *   stacks in a trie of their written slots, fp-8 first (the order programs fill the stack): one
 *   node per (slot, contents), shared by every state that wrote the same slots the same way. A
 *   search descends only into nodes whose slot covers the current one, so an old stack that
 *   wrote a slot the current one did not is dropped at that slot with everything below it.
 * - Newest first. Each node and group knows the newest state below it, and a search skips what
 *   cannot hold a newer covering state than one already found: the answer is 4.8's.
 *
 * `ScanStates` is 4.8's list and loop as they are, the reference the index is tested against
 * (`VerifyOptions.pruning: 'scan'`; test/verifier/prune.test.ts).
 */
import { BPF_REG_SIZE, MASK_BASE, MASK_WORDS, MAX_BPF_REG, MAX_BPF_STACK, RegType, SPILL_BASE, STACK_SLOTS, StackSlot, packetOffOf, packetRangeOf, spilled, type VState } from './state';

const { NOT_INIT, PTR_TO_PACKET, UNKNOWN_VALUE } = RegType;

/** What both searches offer the walk. States are numbered 0, 1, ... in the order remembered. */
export interface ExploredStates {
  /** The number of the newest remembered state that covers `cur`, or -1. */
  find(cur: VState): number;
  /** Remembers `cur` (copying what it needs), seen at `visit` of the analysis (-1 without one). */
  add(cur: VState, visit: number): void;
  /** The visit a remembered state was seen at. */
  visitOf(n: number): number;
}

/**
 * compare_ptrs_to_packet: an old packet pointer covers a current one with the same id that
 * allows no more: the same offset and a smaller range, or both ranges already spent.
 */
function packetCovers(oldId: number, oldHi: number, curId: number, curHi: number): boolean {
  if (oldId !== curId) return false;
  const oOff = packetOffOf(oldHi);
  const oRange = packetRangeOf(oldHi);
  const cOff = packetOffOf(curHi);
  const cRange = packetRangeOf(curHi);
  if (oOff === cOff && oRange < cRange) return true;
  return oOff <= cOff && oOff >= oRange && cOff >= cRange;
}

/**
 * The register half of states_equal over the words of two states (old first): identical, or
 * old NOT_INIT, or old UNKNOWN_VALUE while current is initialised (4.8's weakness, kept: an old
 * unknown covers a current pointer), or packet pointers as above.
 */
function regsCover(ow: Int32Array, cw: Int32Array): boolean {
  for (let i = 0; i < SPILL_BASE; i += 3) {
    const ot = ow[i];
    const ct = cw[i];
    if (ot === ct && ow[i + 1] === cw[i + 1] && ow[i + 2] === cw[i + 2]) continue;
    if (ot === NOT_INIT) continue;
    if (ot === UNKNOWN_VALUE && ct !== NOT_INIT) continue;
    if (ot === PTR_TO_PACKET && ct === PTR_TO_PACKET && packetCovers(ow[i + 1], ow[i + 2], cw[i + 1], cw[i + 2])) continue;
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// 4.8's list and loop

/** states_equal, byte by byte as 4.8 writes it. */
function statesEqual(old: VState, cur: VState): boolean {
  if (!regsCover(old.w, cur.w)) return false;
  for (let i = 0; i < MAX_BPF_STACK; i++) {
    const kind = old.kind(i);
    if (kind === StackSlot.INVALID) continue;
    if (kind !== cur.kind(i)) return false;
    if (i % BPF_REG_SIZE) continue;
    const r = spilled(i / BPF_REG_SIZE);
    if (old.type(r) !== cur.type(r) || old.imm(r) !== cur.imm(r) || old.immHi(r) !== cur.immHi(r)) return false;
  }
  return true;
}

/** 4.8's explored_states list of one instruction: a copy of each state, searched newest first. */
export class ScanStates implements ExploredStates {
  private readonly states: VState[] = [];
  private readonly visits: number[] = [];

  find(cur: VState): number {
    for (let i = this.states.length - 1; i >= 0; i--) if (statesEqual(this.states[i], cur)) return i;
    return -1;
  }

  visitOf(n: number): number {
    return this.visits[n];
  }

  add(cur: VState, visit: number): void {
    this.states.push(cur.clone());
    this.visits.push(visit);
  }
}

// ---------------------------------------------------------------------------------------------
// the index

/** One (slot, contents) of the stack trie; the root has slot -1. */
interface Node {
  slot: number;
  /** of the slot's 8 bytes (bit i: byte i, lowest address first): the ones written, and of those the spilled ones */
  written: number;
  spill: number;
  /** the register saved in the slot (compared when its first byte is written, as 4.8 does) */
  type: number;
  lo: number;
  hi: number;
  children: Node[];
  /** sequence numbers of the states whose last written slot (in trie order) this is */
  ends: number[];
  /** the newest state at or below this node */
  newest: number;
}

const node = (slot: number, written: number, spill: number, type: number, lo: number, hi: number): Node => ({ slot, written, spill, type, lo, hi, children: [], ends: [], newest: -1 });

/** The child of `n` with these slot contents, made if there is none. */
function childFor(n: Node, slot: number, written: number, spill: number, type: number, lo: number, hi: number): Node {
  const children = n.children;
  for (let j = children.length - 1; j >= 0; j--) {
    const c = children[j];
    if (c.slot === slot && c.written === written && c.spill === spill && c.type === type && c.lo === lo && c.hi === hi) return c;
  }
  const c = node(slot, written, spill, type, lo, hi);
  children.push(c);
  return c;
}

/** The states whose registers are the same (`regs`), their stacks in a trie. */
interface Group {
  regs: Int32Array;
  root: Node;
}

/** Groups whose strict registers (bit r of `strict`; packet pointers in `pkt`: type and id) hash alike. */
interface Bucket {
  strict: number;
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

/** The current state's slots for a search: per slot, written bits | spill bits << 8. */
const curSlots = new Int32Array(STACK_SLOTS);

function loadSlots(w: Int32Array): void {
  for (let k = 0; k < MASK_WORDS; k++) {
    const written = w[MASK_BASE + k];
    const spill = w[MASK_BASE + MASK_WORDS + k];
    for (let j = 0; j < 4; j++) {
      const shift = j * 8;
      curSlots[k * 4 + j] = ((written >>> shift) & 0xff) | (((spill >>> shift) & 0xff) << 8);
    }
  }
}

/** Whether the old slot contents of `n` cover the current slot (curSlots loaded from `w`). */
function slotCovers(n: Node, w: Int32Array): boolean {
  const c = curSlots[n.slot];
  if ((n.written & ~c) !== 0) return false;
  if (((n.spill ^ (c >>> 8)) & n.written) !== 0) return false;
  if ((n.written & 1) === 0) return true;
  const i = SPILL_BASE + n.slot * 3;
  return w[i] === n.type && w[i + 1] === n.lo && w[i + 2] === n.hi;
}

/** The newest state below `root` whose every slot covers the current one, if newer than `best`. */
function searchTrie(root: Node, w: Int32Array, best: number): number {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.newest <= best) continue;
    if (n.ends.length) best = Math.max(best, n.ends[n.ends.length - 1]);
    // children in the order they were made: the newest, usually last, is searched first
    for (const ch of n.children) if (ch.newest > best && slotCovers(ch, w)) stack.push(ch);
  }
  return best;
}

/** The remembered states of one instruction, indexed. */
export class IndexedStates implements ExploredStates {
  private readonly buckets: Bucket[] = [];
  /** groups by the hash of all their registers, to add a state to its group */
  private readonly exact = new Map<number, Group[]>();
  /** visit of each remembered state, by sequence number (the order remembered) */
  private readonly visits: number[] = [];

  find(cur: VState): number {
    const w = cur.w;
    let best = -1;
    let loaded = false;
    for (const b of this.buckets) {
      const groups = b.byKey.get(regsKey(w, b.strict, b.pkt));
      if (!groups) continue;
      for (const g of groups) {
        if (g.root.newest <= best || !regsCover(g.regs, w)) continue;
        if (!loaded) {
          loadSlots(w);
          loaded = true;
        }
        best = searchTrie(g.root, w, best);
      }
    }
    return best;
  }

  visitOf(n: number): number {
    return this.visits[n];
  }

  add(cur: VState, visit: number): void {
    const w = cur.w;
    const seq = this.visits.push(visit) - 1;
    let n = this.groupOf(w).root;
    n.newest = seq;
    // the written slots, fp-8 first
    for (let slot = STACK_SLOTS - 1; slot >= 0; slot--) {
      const k = MASK_BASE + (slot >> 2);
      const shift = (slot & 3) * 8;
      const written = (w[k] >>> shift) & 0xff;
      if (written === 0) continue;
      const spill = (w[k + MASK_WORDS] >>> shift) & written & 0xff;
      // the saved register counts where 4.8 compares it: the slot's first byte is written
      const i = SPILL_BASE + slot * 3;
      const keep = written & 1;
      const type = keep ? w[i] : 0;
      const lo = keep ? w[i + 1] : 0;
      const hi = keep ? w[i + 2] : 0;
      n = childFor(n, slot, written, spill, type, lo, hi);
      n.newest = seq;
    }
    n.ends.push(seq);
  }

  private groupOf(w: Int32Array): Group {
    const all = regsKey(w, (1 << MAX_BPF_REG) - 1, 0);
    let list = this.exact.get(all);
    if (!list) this.exact.set(all, (list = []));
    for (const g of list) if (sameRegs(g.regs, w)) return g;
    const g: Group = { regs: w.slice(0, SPILL_BASE), root: node(-1, 0, 0, 0, 0, 0) };
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
