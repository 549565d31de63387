/**
 * The input search's solver: given the path conditions a run must keep and one it must turn
 * the other way, it edits the candidate input until all of them hold. Path conditions are tests
 * on bit-vector expressions over input bytes; the strategies, cheapest first:
 *
 *   1. a map lookup in the condition: add or remove its key (hash maps), or move the key inside
 *      or outside the array;
 *   2. inversion: the condition wants a value (from its constant side), and the expression is a
 *      chain of invertible steps (byte order, shifts, masks, add/sub/xor of constants, bytes put
 *      together) from input bytes: compute the bytes;
 *   3. enumeration of one input variable (a byte, or the packet length) through all its values;
 *   4. a random walk over the condition's input bytes, until the time allowed is spent.
 *
 * Every proposal is checked against all the conditions before it is returned; a run of the
 * interpreter then has the last word.
 */
import { copyCandidate, valuation, type Candidate } from './rig';
import { evaluate, jumpTaken, keyHex, leavesOf, MASK64, type Sym } from './sym';
import type { Constraint } from './shadow';

/** A condition and the outcome the run needs. */
export interface Want {
  c: Constraint;
  taken: boolean;
}

/** What the solver knows beside the candidate: the packet's size bounds and the context's size. */
export interface SolveEnv {
  minLen: number;
  maxLen: number;
  ctxSize: number;
  /** map name -> value size */
  valueSize: ReadonlyMap<string, number>;
  /** a source of randomness (seeded: the search is reproducible) */
  random(): number;
  /** The candidate as the kernel will take it: itself, a repaired copy, or null. */
  admit(c: Candidate): Candidate | null;
}

type Edits = Map<string, bigint>;

/** Whether the condition has the wanted outcome for candidate `c`. */
export const holds = (w: Want, c: Candidate): boolean => {
  const val = valuation(c);
  const memo = new Map<Sym, bigint>();
  return jumpTaken(w.c.op, w.c.jmp32, evaluate(w.c.a, val, memo), evaluate(w.c.b, val, memo)) === w.taken;
};

const constantIn = (s: Sym): boolean => {
  const l = leavesOf(s);
  return l.ids.size === 0 && l.lookups.length === 0;
};

/** The candidate with `edits` applied: the length first, then bytes (a byte past the end grows the packet). */
export function applyEdits(c: Candidate, edits: Edits, env: SolveEnv): Candidate {
  const out = copyCandidate(c);
  const len = edits.get('len');
  if (len !== undefined) out.packet = resized(out.packet, Number(len));
  for (const [id, v] of edits) {
    const [kind, a, b, n] = id.split(':');
    const byte = Number(v & 0xffn);
    if (kind === 'p') {
      const i = Number(a);
      if (!out.packet || i >= out.packet.length) {
        if (len !== undefined || i >= env.maxLen) continue;
        out.packet = resized(out.packet, i + 1);
      }
      out.packet![i] = byte;
    } else if (kind === 'c') {
      out.ctx ??= new Uint8Array(env.ctxSize);
      if (Number(a) < out.ctx.length) out.ctx[Number(a)] = byte;
    } else if (kind === 'm') {
      const map = out.maps.get(a) ?? new Map<string, Uint8Array>();
      out.maps.set(a, map);
      const value = map.get(b) ?? new Uint8Array(env.valueSize.get(a) ?? 0);
      if (Number(n) < value.length) value[Number(n)] = byte;
      map.set(b, value);
    }
  }
  return out;
}

function resized(p: Uint8Array | null, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (p) out.set(p.subarray(0, n));
  return out;
}

/** Values a test wants of its left side, `b` being the right side's value, for the outcome `taken`. */
function wantedValues(op: Constraint['op'], taken: boolean, b: bigint, w: number): bigint[] {
  const m = w === 32 ? 0xffffffffn : MASK64;
  const inc = (x: bigint, d: bigint): bigint => (x + d) & m;
  const signMin = 1n << BigInt(w - 1);
  const byOp: Record<Constraint['op'], [bigint[], bigint[]]> = {
    jeq: [[b], [inc(b, 1n), inc(b, -1n), 0n]],
    jne: [[inc(b, 1n), inc(b, -1n), 0n], [b]],
    jgt: [[inc(b, 1n), inc(b, 16n), m], [b, 0n]],
    jge: [[b, inc(b, 1n)], [inc(b, -1n), 0n]],
    jlt: [[inc(b, -1n), 0n], [b, inc(b, 1n)]],
    jle: [[b, 0n], [inc(b, 1n), m]],
    jset: [[b, m], [0n, ~b & m]],
    jsgt: [[inc(b, 1n), signMin - 1n], [b, signMin]],
    jsge: [[b, signMin - 1n], [inc(b, -1n), signMin]],
    jslt: [[inc(b, -1n), signMin], [b, signMin - 1n]],
    jsle: [[b, signMin], [inc(b, 1n), signMin - 1n]],
  };
  return byOp[op][taken ? 0 : 1];
}

/** The same test seen from its right side: `a op b` is `b op' a`. */
const MIRROR: Record<Constraint['op'], Constraint['op']> = {
  jeq: 'jeq', jne: 'jne', jgt: 'jlt', jge: 'jle', jlt: 'jgt', jle: 'jge', jset: 'jset', jsgt: 'jslt', jsge: 'jsle', jslt: 'jsgt', jsle: 'jsge',
};

function bswap(v: bigint, bits: number): bigint {
  let out = 0n;
  for (let i = 0; i < bits / 8; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Edits making `s` evaluate to `t` for candidate `c`, if the expression can be inverted. */
function invert(s: Sym, t: bigint, c: Candidate, env: SolveEnv, depth = 0): Edits | null {
  if (depth > 32) return null;
  const cur = (x: Sym): bigint => evaluate(x, valuation(c));
  switch (s.t) {
    case 'k':
      return s.v === t ? new Map() : null;
    case 'v':
      if (s.id === 'len') return t >= BigInt(env.minLen) && t <= BigInt(env.maxLen) ? new Map([['len', t]]) : null;
      return t >= 0n && t <= 255n ? new Map([[s.id, t]]) : null;
    case 'cat': {
      if (t >> BigInt(8 * s.parts.length) !== 0n) return null;
      const all: Edits = new Map();
      for (let i = 0; i < s.parts.length; i++) {
        const e = invert(s.parts[i], (t >> BigInt(8 * i)) & 0xffn, c, env, depth + 1);
        if (!e) return null;
        for (const [k, v] of e) {
          if (all.has(k) && all.get(k) !== v) return null;
          all.set(k, v);
        }
      }
      return all;
    }
    case 'byte': {
      if (t > 255n) return null;
      const shift = BigInt(8 * s.i);
      return invert(s.a, (cur(s.a) & ~(0xffn << shift)) | (t << shift), c, env, depth + 1);
    }
    case 'end': {
      const mask = (1n << BigInt(s.bits)) - 1n;
      if (t & ~mask) return null;
      const x = s.order === 'be' ? bswap(t, s.bits) : t;
      return invert(s.a, (cur(s.a) & ~mask) | x, c, env, depth + 1);
    }
    case 'op':
      return invertOp(s, t, c, env, depth, cur);
    default:
      return null;
  }
}

function invertOp(s: Extract<Sym, { t: 'op' }>, t: bigint, c: Candidate, env: SolveEnv, depth: number, cur: (x: Sym) => bigint): Edits | null {
  const m = s.w === 32 ? 0xffffffffn : MASK64;
  if (t & ~m) return null;
  // the operand's bits above a 32-bit operation are free: keep what they are
  const wide = (x: Sym, v: bigint): bigint => (s.w === 32 ? (cur(x) & ~m) | (v & m) : v & m);
  if (s.op === 'mov') return invert(s.b, wide(s.b, t), c, env, depth + 1);
  const aConst = constantIn(s.a);
  const bConst = constantIn(s.b);
  if (aConst === bConst) return null;
  const x = aConst ? s.b : s.a;
  const k = (aConst ? cur(s.a) : cur(s.b)) & m;
  const again = (v: bigint): Edits | null => invert(x, wide(x, v), c, env, depth + 1);
  switch (s.op) {
    case 'add':
      return again(t - k);
    case 'sub':
      return again(aConst ? k - t : t + k);
    case 'xor':
      return again(t ^ k);
    case 'and':
      return t & ~k ? null : again(t | (cur(x) & ~k));
    case 'or':
      return (t & k) !== k ? null : again((t & ~k) | (cur(x) & k));
    case 'lsh': {
      if (aConst) return null;
      const sh = k & BigInt(s.w - 1);
      if (t & ((1n << sh) - 1n)) return null;
      return again((t >> sh) | (cur(x) & ~(m >> sh)));
    }
    case 'rsh': {
      if (aConst) return null;
      const sh = k & BigInt(s.w - 1);
      if ((t << sh) & ~m) return null;
      return again((t << sh) | (cur(x) & ((1n << sh) - 1n)));
    }
    case 'neg':
      return invert(s.a, wide(s.a, -t), c, env, depth + 1);
    default:
      return null;
  }
}

/** Proposals that flip a map lookup in the expression: its key added or removed, or moved across the array's end. */
function lookupProposals(s: Sym, c: Candidate, env: SolveEnv): Candidate[] {
  const out: Candidate[] = [];
  const val = valuation(c);
  for (const l of leavesOf(s).lookups) {
    if (l.t !== 'lookup') continue;
    const key = keyHex(evaluate(l.key, val), l.keySize);
    if (l.hash) {
      const next = copyCandidate(c);
      const map = next.maps.get(l.map) ?? new Map<string, Uint8Array>();
      next.maps.set(l.map, map);
      if (map.has(key)) map.delete(key);
      else map.set(key, new Uint8Array(env.valueSize.get(l.map) ?? 0));
      out.push(next);
    }
    for (const t of [BigInt(l.maxEntries), 0xffn, 0xffffffffn, 0n]) {
      const e = invert(l.key, t, c, env);
      if (e) out.push(applyEdits(c, e, env));
    }
  }
  return out;
}

function inversionProposals(w: Want, c: Candidate, env: SolveEnv): Candidate[] {
  const out: Candidate[] = [];
  const val = valuation(c);
  const width = w.c.jmp32 ? 32 : 64;
  const sides: [Sym, Sym, Constraint['op']][] = [
    [w.c.a, w.c.b, w.c.op],
    [w.c.b, w.c.a, MIRROR[w.c.op]],
  ];
  for (const [x, other, op] of sides) {
    if (constantIn(x)) continue;
    const b = evaluate(other, val);
    for (const t of wantedValues(op, w.taken, w.c.jmp32 ? b & 0xffffffffn : b, width)) {
      const e = invert(x, w.c.jmp32 ? (evaluate(x, val) & ~0xffffffffn) | t : t, c, env);
      if (e) out.push(applyEdits(c, e, env));
    }
  }
  return out;
}

/** Tries every value of each single input variable of the condition. */
function* enumeration(w: Want, c: Candidate, env: SolveEnv): Generator<Candidate> {
  const ids = [...leavesOf(w.c.a).ids, ...leavesOf(w.c.b).ids];
  for (const id of new Set(ids)) {
    if (id === 'len') {
      const now = c.packet?.length ?? env.minLen;
      // lengths nearest the current one first
      for (let d = 1; d <= env.maxLen - env.minLen; d++) {
        for (const n of [now - d, now + d]) if (n >= env.minLen && n <= env.maxLen) yield applyEdits(c, new Map([['len', BigInt(n)]]), env);
      }
    } else {
      for (let v = 0; v < 256; v++) yield applyEdits(c, new Map([[id, BigInt(v)]]), env);
    }
  }
}

/** A random walk over the condition's input bytes, for as long as the caller takes proposals. */
function* randomWalk(w: Want, c: Candidate, env: SolveEnv): Generator<Candidate> {
  const ids = [...new Set([...leavesOf(w.c.a).ids, ...leavesOf(w.c.b).ids])].filter((id) => id !== 'len');
  if (!ids.length) return;
  for (;;) {
    const e: Edits = new Map();
    const n = 1 + Math.floor(env.random() * Math.min(4, ids.length));
    for (let j = 0; j < n; j++) e.set(ids[Math.floor(env.random() * ids.length)], BigInt(Math.floor(env.random() * 256)));
    yield applyEdits(c, e, env);
  }
}

/**
 * A candidate for which every want holds, found by editing `c`; null if no strategy found one
 * before `deadline` (Date.now()).
 */
export function solve(wants: readonly Want[], c: Candidate, env: SolveEnv, deadline: number): Candidate | null {
  const target = wants[wants.length - 1];
  const ok = (x: Candidate): Candidate | null => {
    if (!wants.every((w) => holds(w, x))) return null;
    const admitted = env.admit(x);
    return admitted && wants.every((w) => holds(w, admitted)) ? admitted : null;
  };
  for (const x of [...lookupProposals(target.c.a, c, env), ...lookupProposals(target.c.b, c, env), ...inversionProposals(target, c, env)]) {
    const y = ok(x);
    if (y) return y;
  }
  let n = 0;
  for (const x of enumeration(target, c, env)) {
    const y = ok(x);
    if (y) return y;
    if (++n % 256 === 0 && Date.now() > deadline) return null;
  }
  for (const x of randomWalk(target, c, env)) {
    const y = ok(x);
    if (y) return y;
    if (++n % 256 === 0 && Date.now() > deadline) return null;
  }
  return null;
}
