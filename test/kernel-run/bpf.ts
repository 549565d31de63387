/**
 * A tiny instruction builder for the run-side tests: each function gives the hex slots
 * kernel-oracle's `insns` takes (16 hex digits each, in memory order). Mnemonics follow the
 * kernel's macros (BPF_MOV64_IMM, BPF_LDX_MEM, ...).
 */

export type Slot = string;

function slot(code: number, dst: number, src: number, off: number, imm: number): Slot {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  b[0] = code;
  b[1] = (src << 4) | dst;
  v.setInt16(2, off, true);
  v.setInt32(4, imm | 0, true);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export const ALU = { add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70, neg: 0x80, mod: 0x90, xor: 0xa0, mov: 0xb0, arsh: 0xc0 } as const;
export const JMP = { jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40, jne: 0x50, jsgt: 0x60, jsge: 0x70 } as const;
const SIZE = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 } as const;
export type Size = keyof typeof SIZE;

export const alu64i = (op: keyof typeof ALU, dst: number, imm: number): Slot => slot(0x07 | ALU[op], dst, 0, 0, imm);
export const alu64r = (op: keyof typeof ALU, dst: number, src: number): Slot => slot(0x0f | ALU[op], dst, src, 0, 0);
export const alu32i = (op: keyof typeof ALU, dst: number, imm: number): Slot => slot(0x04 | ALU[op], dst, 0, 0, imm);
export const alu32r = (op: keyof typeof ALU, dst: number, src: number): Slot => slot(0x0c | ALU[op], dst, src, 0, 0);
export const mov = (dst: number, imm: number): Slot => alu64i('mov', dst, imm);
export const movr = (dst: number, src: number): Slot => alu64r('mov', dst, src);
/** BPF_END: to big-endian (be) or little-endian, 16/32/64 bits */
export const end = (dst: number, bits: 16 | 32 | 64, be: boolean): Slot => slot(0xd4 | (be ? 0x08 : 0), dst, 0, 0, bits);
export const ldx = (size: Size, dst: number, src: number, off: number): Slot => slot(0x61 | SIZE[size], dst, src, off, 0);
export const stx = (size: Size, dst: number, src: number, off: number): Slot => slot(0x63 | SIZE[size], dst, src, off, 0);
export const st = (size: Size, dst: number, off: number, imm: number): Slot => slot(0x62 | SIZE[size], dst, 0, off, imm);
export const xadd = (size: 4 | 8, dst: number, src: number, off: number): Slot => slot(0xc3 | SIZE[size], dst, src, off, 0);
export const ldabs = (size: 1 | 2 | 4, imm: number): Slot => slot(0x20 | SIZE[size], 0, 0, 0, imm);
export const ldind = (size: 1 | 2 | 4, src: number, imm: number): Slot => slot(0x40 | SIZE[size], 0, src, 0, imm);
export const jmpi = (op: keyof typeof JMP, dst: number, imm: number, off: number): Slot => slot(0x05 | JMP[op], dst, 0, off, imm);
export const jmpr = (op: keyof typeof JMP, dst: number, src: number, off: number): Slot => slot(0x0d | JMP[op], dst, src, off, 0);
export const ja = (off: number): Slot => slot(0x05, 0, 0, off, 0);
export const call = (id: number): Slot => slot(0x85, 0, 0, 0, id);
export const exit = (): Slot => slot(0x95, 0, 0, 0, 0);
/** ld_imm64 of a 64-bit constant: two slots */
export const ld64 = (dst: number, v: bigint): Slot[] => [
  slot(0x18, dst, 0, 0, Number(BigInt.asIntN(32, v))),
  slot(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n))),
];
/** ld_imm64 that a map fixup turns into a map reference: two slots */
const ldMap = (dst: number): Slot[] => ld64(dst, 0n);

/** A program under construction that knows where its map loads are (for `map_fixups`). */
export class Prog {
  readonly insns: Slot[] = [];
  readonly fixups: { insn: number; map: string }[] = [];
  emit(...s: (Slot | Slot[])[]): this {
    for (const x of s) this.insns.push(...(Array.isArray(x) ? x : [x]));
    return this;
  }
  map(dst: number, name: string): this {
    this.fixups.push({ insn: this.insns.length, map: name });
    return this.emit(ldMap(dst));
  }
  get pc(): number {
    return this.insns.length;
  }
}

/** A program that loads `n` array maps (one ld_imm64 each), then returns 0. */
export function manyMaps(n: number): object {
  const insns: Slot[] = [];
  const fixups: { insn: number; map: string }[] = [];
  for (let i = 0; i < n; i++) {
    fixups.push({ insn: insns.length, map: `m${i}` });
    insns.push(...ld64(1, 0n));
  }
  return {
    insns: [...insns, mov(0, 0), exit()],
    maps: Array.from({ length: n }, (_, i) => ({ name: `m${i}`, type: 'array', key_size: 4, value_size: 4, max_entries: 1 })),
    map_fixups: fixups,
  };
}
