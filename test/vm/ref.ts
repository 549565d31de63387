/**
 * A reference model of eBPF's ALU and compare semantics in plain BigInt, written from the
 * RFC 9669 text independently of src/vm, which the tests check the interpreter against.
 */
const M64 = (1n << 64n) - 1n;
const u = (v: bigint, bits: number): bigint => BigInt.asUintN(bits, v);
const s = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);

export type RefAluOp = 'add' | 'sub' | 'mul' | 'div' | 'or' | 'and' | 'lsh' | 'rsh' | 'neg' | 'mod' | 'xor' | 'mov' | 'arsh' | 'sdiv' | 'smod';

/** dst op b over `bits` (32 or 64); b is the operand already extended as the encoding says; modern division by zero. */
export function refAlu(op: RefAluOp, dst: bigint, b: bigint, bits: 32 | 64): bigint {
  const a = u(dst, bits);
  const bb = u(b, bits);
  const sh = Number(bb & BigInt(bits - 1));
  let r: bigint;
  switch (op) {
    case 'add': r = a + bb; break;
    case 'sub': r = a - bb; break;
    case 'mul': r = a * bb; break;
    case 'div': r = bb === 0n ? 0n : a / bb; break;
    case 'mod': r = bb === 0n ? a : a % bb; break;
    case 'sdiv': r = bb === 0n ? 0n : s(a, bits) / s(bb, bits); break;
    case 'smod': r = bb === 0n ? a : s(a, bits) % s(bb, bits); break;
    case 'or': r = a | bb; break;
    case 'and': r = a & bb; break;
    case 'xor': r = a ^ bb; break;
    case 'lsh': r = a << BigInt(sh); break;
    case 'rsh': r = a >> BigInt(sh); break;
    case 'arsh': r = s(a, bits) >> BigInt(sh); break;
    case 'neg': r = -a; break;
    case 'mov': r = bb; break;
  }
  return u(r, bits) & M64;
}

/** movsx: the low `from` bits of src, sign-extended to `bits`, then zero-extended to 64. */
export const refMovsx = (src: bigint, from: number, bits: 32 | 64): bigint => u(s(src, from), bits);

/** Byte order conversions on a little-endian machine: le truncates, be and bswap swap. */
export function refEnd(v: bigint, width: 16 | 32 | 64, swap: boolean): bigint {
  const x = u(v, width);
  if (!swap) return x;
  let out = 0n;
  for (let i = 0; i < width / 8; i++) out = (out << 8n) | ((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

export type RefJmpOp = 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge' | 'jlt' | 'jle' | 'jslt' | 'jsle';

/** Whether the jump is taken, comparing over `bits`. */
export function refJmp(op: RefJmpOp, a0: bigint, b0: bigint, bits: 32 | 64): boolean {
  const a = u(a0, bits);
  const b = u(b0, bits);
  const sa = s(a0, bits);
  const sb = s(b0, bits);
  switch (op) {
    case 'jeq': return a === b;
    case 'jne': return a !== b;
    case 'jgt': return a > b;
    case 'jge': return a >= b;
    case 'jlt': return a < b;
    case 'jle': return a <= b;
    case 'jset': return (a & b) !== 0n;
    case 'jsgt': return sa > sb;
    case 'jsge': return sa >= sb;
    case 'jslt': return sa < sb;
    case 'jsle': return sa <= sb;
  }
}
