/**
 * Symbolic values for the input search: expressions over the bytes of a run's input (packet
 * bytes and length, context bytes, map value bytes, map lookups) built while the interpreter runs
 * the program concretely, with eBPF's exact 64- and 32-bit semantics. A value that does not
 * depend on the input is not symbolic at all (the run's concrete value stands for it).
 */
import type { AluName, JmpName } from '../../isa';

/** A leaf: one input byte (0..255) or the packet length. Ids: `p:N`, `len`, `c:N`, `m:MAP:KEYHEX:N`. */
export type Sym =
  | { t: 'k'; v: bigint }
  | { t: 'v'; id: string }
  | { t: 'op'; op: AluName; w: 32 | 64; a: Sym; b: Sym }
  | { t: 'end'; order: 'be' | 'le'; bits: number; a: Sym }
  /** little-endian concatenation of byte-valued parts */
  | { t: 'cat'; parts: Sym[] }
  /** byte `i` of a value */
  | { t: 'byte'; a: Sym; i: number }
  /** a map lookup: `ptr` (the value's address in the run) when the key is found, 0 when not */
  | { t: 'lookup'; map: string; hash: boolean; maxEntries: number; key: Sym; keySize: number; ptr: bigint };

export const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;

export const konst = (v: bigint): Sym => ({ t: 'k', v: v & MASK64 });
export const leaf = (id: string): Sym => ({ t: 'v', id });

/** The values of the leaves, as a candidate input gives them. */
export interface Valuation {
  leaf(id: string): bigint;
  /** whether the map has the key (hex of its bytes) */
  has(map: string, keyHex: string): boolean;
}

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);

function bswap(v: bigint, bits: number): bigint {
  let out = 0n;
  for (let i = 0; i < bits / 8; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** One ALU operation exactly as the interpreter does it (4.8: division by 0 gives 0, as the program would end). */
function alu(op: AluName, w: 32 | 64, a: bigint, b: bigint): bigint {
  const m = w === 32 ? MASK32 : MASK64;
  const x = a & m;
  const y = b & m;
  const sh = y & BigInt(w - 1);
  switch (op) {
    case 'add': return (x + y) & m;
    case 'sub': return (x - y) & m;
    case 'mul': return (x * y) & m;
    case 'div': return y === 0n ? 0n : x / y;
    case 'mod': return y === 0n ? x : x % y;
    case 'or': return x | y;
    case 'and': return x & y;
    case 'xor': return x ^ y;
    case 'lsh': return (x << sh) & m;
    case 'rsh': return x >> sh;
    case 'arsh': return (w === 32 ? s32(x) >> sh : s64(x) >> sh) & m;
    case 'neg': return (-x) & m;
    case 'mov': return y;
    default: return 0n;
  }
}

/** Evaluates `s` for a candidate input; `memo` shares the work between the constraints of one check. */
export function evaluate(s: Sym, val: Valuation, memo = new Map<Sym, bigint>()): bigint {
  if (s.t === 'k') return s.v;
  if (s.t === 'v') return val.leaf(s.id);
  const hit = memo.get(s);
  if (hit !== undefined) return hit;
  let r: bigint;
  switch (s.t) {
    case 'op':
      r = alu(s.op, s.w, evaluate(s.a, val, memo), evaluate(s.b, val, memo));
      break;
    case 'end': {
      const x = evaluate(s.a, val, memo) & ((1n << BigInt(s.bits)) - 1n);
      r = s.order === 'be' ? bswap(x, s.bits) : x;
      break;
    }
    case 'cat':
      r = 0n;
      for (let i = s.parts.length - 1; i >= 0; i--) r = (r << 8n) | (evaluate(s.parts[i], val, memo) & 0xffn);
      break;
    case 'byte':
      r = (evaluate(s.a, val, memo) >> BigInt(8 * s.i)) & 0xffn;
      break;
    case 'lookup': {
      const key = evaluate(s.key, val, memo);
      const found = s.hash ? val.has(s.map, keyHex(key, s.keySize)) : key < BigInt(s.maxEntries);
      r = found ? s.ptr : 0n;
      break;
    }
  }
  memo.set(s, r);
  return r;
}

/** A key value as the hex of its bytes in memory order (little-endian). */
export function keyHex(key: bigint, size: number): string {
  let h = '';
  for (let i = 0; i < size; i++) h += ((key >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0');
  return h;
}

/** A conditional jump's test on two 64-bit values (the low halves for JMP32). */
export function jumpTaken(op: JmpName, jmp32: boolean, a: bigint, b: bigint): boolean {
  const x = jmp32 ? a & MASK32 : a & MASK64;
  const y = jmp32 ? b & MASK32 : b & MASK64;
  const sx = jmp32 ? s32(x) : s64(x);
  const sy = jmp32 ? s32(y) : s64(y);
  switch (op) {
    case 'jeq': return x === y;
    case 'jne': return x !== y;
    case 'jgt': return x > y;
    case 'jge': return x >= y;
    case 'jlt': return x < y;
    case 'jle': return x <= y;
    case 'jset': return (x & y) !== 0n;
    case 'jsgt': return sx > sy;
    case 'jsge': return sx >= sy;
    case 'jslt': return sx < sy;
    case 'jsle': return sx <= sy;
  }
}

/** The leaves and lookups an expression depends on. */
export function leavesOf(s: Sym, out = new Set<string>(), lookups: Sym[] = [], seen = new Set<Sym>()): { ids: Set<string>; lookups: Sym[] } {
  if (seen.has(s)) return { ids: out, lookups };
  seen.add(s);
  switch (s.t) {
    case 'v':
      out.add(s.id);
      break;
    case 'op':
      leavesOf(s.a, out, lookups, seen);
      leavesOf(s.b, out, lookups, seen);
      break;
    case 'end':
    case 'byte':
      leavesOf(s.a, out, lookups, seen);
      break;
    case 'cat':
      for (const p of s.parts) leavesOf(p, out, lookups, seen);
      break;
    case 'lookup':
      lookups.push(s);
      leavesOf(s.key, out, lookups, seen);
      break;
  }
  return { ids: out, lookups };
}

/** Byte `i` of a value, simplified where the value is a concatenation or a constant. */
export function byteOf(s: Sym, i: number): Sym {
  if (s.t === 'k') return konst((s.v >> BigInt(8 * i)) & 0xffn);
  if (s.t === 'cat') return s.parts[i] ?? konst(0n);
  return { t: 'byte', a: s, i };
}

/** The little-endian value of `bytes` byte-valued parts, a constant when every part is one. */
export function cat(parts: Sym[]): Sym {
  if (parts.every((p) => p.t === 'k')) {
    let v = 0n;
    for (let i = parts.length - 1; i >= 0; i--) v = (v << 8n) | (parts[i] as { v: bigint }).v;
    return konst(v);
  }
  // the 8 bytes of one value, in order: that value
  const first = parts[0];
  if (parts.length === 8 && first.t === 'byte' && parts.every((p, i) => p.t === 'byte' && p.a === first.a && p.i === i)) return first.a;
  return { t: 'cat', parts };
}

