/**
 * 64-bit arithmetic on registers held as two signed 32-bit halves (`L[r]` low, `H[r]` high), the
 * representation the interpreter's hot loop uses so that it never touches BigInt. Each function
 * updates register `d` in place from an operand given as halves (`bl`, `bh`). The common
 * operations (add, sub, mul, shifts, neg, compares) are written out in the interpreter's switch
 * itself (vm/core.ts): V8 inlines only so many calls into a function that large, and which ones
 * depends on the programs run before; these are the rest. Division's slow
 * cases (operands beyond 32 bits) fall back to BigInt: they are rare and never in straight-line
 * ALU code. Division by zero is the caller's business (it depends on the semantics mode).
 */

/** dst += b */
export function add64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number): void {
  const a = L[d];
  const r = (a + bl) | 0;
  H[d] = (H[d] + bh + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
  L[d] = r;
}

const bswap16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
const bswap32 = (v: number): number =>
  ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff);

/** Byte-swaps the low `bits` (16, 32, 64) of dst; narrower widths zero the rest. */
export function bswap(L: Int32Array, H: Int32Array, d: number, bits: number): void {
  if (bits === 16) {
    L[d] = bswap16(L[d]);
    H[d] = 0;
  } else if (bits === 32) {
    L[d] = bswap32(L[d]);
    H[d] = 0;
  } else {
    const l = L[d];
    L[d] = bswap32(H[d]);
    H[d] = bswap32(l);
  }
}

/** Truncates dst to its low `bits` (16, 32, 64): to-little-endian on a little-endian machine. */
export function truncate(L: Int32Array, H: Int32Array, d: number, bits: number): void {
  if (bits === 16) {
    L[d] &= 0xffff;
    H[d] = 0;
  } else if (bits === 32) {
    H[d] = 0;
  }
}

/** bigints of 0..255 and of 2^64 - 1, made once: most values that leave the VM (r0, helper arguments) are these */
const SMALL = Array.from({ length: 256 }, (_, i) => BigInt(i));
const ALL_ONES = (1n << 64n) - 1n;

/** The unsigned 64-bit value of two halves (allocating as little as it can: this is on every run's path). */
export function u64(hi: number, lo: number): bigint {
  if (hi === 0) return lo >>> 0 < 256 ? SMALL[lo] : BigInt(lo >>> 0);
  if (hi === -1 && lo === -1) return ALL_ONES;
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Sets register d from a 64-bit bigint (any sign: taken modulo 2^64). */
export function setBig(L: Int32Array, H: Int32Array, d: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  L[d] = Number(u & 0xffffffffn) | 0;
  H[d] = Number(u >> 32n) | 0;
}

/**
 * dst = dst / b or dst % b over 64 bits, b not zero. `signed` gives sdiv/smod (truncating
 * toward zero, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0).
 */
export function divmod64(L: Int32Array, H: Int32Array, d: number, bl: number, bh: number, mod: boolean, signed: boolean): void {
  const al = L[d];
  const ah = H[d];
  if (!signed && ah === 0 && bh === 0) {
    L[d] = (mod ? (al >>> 0) % (bl >>> 0) : (al >>> 0) / (bl >>> 0)) | 0;
    return;
  }
  if (signed && ah === al >> 31 && bh === bl >> 31) {
    // both fit in 32 signed bits: the quotient fits in 33, which a double holds exactly
    const r = mod ? al % bl : Math.trunc(al / bl);
    L[d] = r | 0;
    H[d] = r < 0 ? -1 : 0;
    return;
  }
  const a = signed ? BigInt.asIntN(64, u64(ah, al)) : u64(ah, al);
  const b = signed ? BigInt.asIntN(64, u64(bh, bl)) : u64(bh, bl);
  setBig(L, H, d, mod ? a % b : a / b);
}

/** dst = dst / b or dst % b over the low 32 bits (result zero-extended), b not zero. */
export function divmod32(L: Int32Array, H: Int32Array, d: number, b: number, mod: boolean, signed: boolean): void {
  const a = L[d];
  if (signed) L[d] = mod ? a % b | 0 : Math.trunc(a / b) | 0;
  else L[d] = (mod ? (a >>> 0) % (b >>> 0) : (a >>> 0) / (b >>> 0)) | 0;
  H[d] = 0;
}
