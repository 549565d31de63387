/**
 * Code for the ALU instructions and the jumps: the same operations as the interpreter's switch
 * (vm/core.ts) on locals instead of the Cpu's arrays, with immediates folded into literals.
 * Division goes through the runtime (rt.div), which handles zero divisors as the interpreter does.
 */
import { hi, lit, lo, ulit, type Site } from './site';

export type Emit = (x: Site) => string;

/** The operand of a register or immediate form: [low, high] expressions. */
const operand = (x: Site, useReg: boolean): [string, string] => (useReg ? [lo(x.s), hi(x.s)] : [lit(x.imm), lit(x.imm >> 31)]);

function add64(x: Site, r: boolean): string {
  const [bl, bh] = operand(x, r);
  const d = x.d;
  return `t=(${lo(d)}+${bl})|0;${hi(d)}=(${hi(d)}+${bh}+((t>>>0)<(${lo(d)}>>>0)?1:0))|0;${lo(d)}=t;`;
}

function sub64(x: Site, r: boolean): string {
  const [bl, bh] = operand(x, r);
  const d = x.d;
  return `t=(${lo(d)}-${bl})|0;${hi(d)}=(${hi(d)}-${bh}-((${lo(d)}>>>0)<(${bl}>>>0)?1:0))|0;${lo(d)}=t;`;
}

/**
 * The upper 32 bits of the unsigned product of `a` and `b` (int32 expressions taken as unsigned),
 * inline (a call is not inlined into a chunk as large as ours) and exact in doubles: with
 * a = a1 * 2^16 + a0, floor(a * b / 2^32) = floor((a1 * b + floor(a0 * b / 2^16)) / 2^16), every
 * term below 2^49. A constant b under 2^21 keeps the whole product under 2^53. `|0` takes the
 * result (in [0, 2^32)) to its int32 bits.
 */
function mulhiuExpr(a: string, b: string, bConst?: number): string {
  if (bConst !== undefined && bConst >>> 0 < 0x200000) return `(((${a}>>>0)*${bConst >>> 0})/4294967296|0)`;
  const bu = bConst !== undefined ? ulit(bConst) : `(${b}>>>0)`;
  return `((((${a}>>>16)*${bu})+Math.floor(((${a}&65535)*${bu})/65536))/65536|0)`;
}

function mul64(x: Site, r: boolean): string {
  const [bl, bh] = operand(x, r);
  const d = x.d;
  const hiA = r || x.imm < 0 ? `Math.imul(${lo(d)},${bh})+` : '';
  return `t=Math.imul(${lo(d)},${bl});${hi(d)}=(${hiA}Math.imul(${hi(d)},${bl})+${mulhiuExpr(lo(d), bl, r ? undefined : x.imm)})|0;${lo(d)}=t;`;
}

function bitwise64(x: Site, r: boolean, opr: string): string {
  const [bl, bh] = operand(x, r);
  return `${lo(x.d)}${opr}=${bl};${hi(x.d)}${opr}=${bh};`;
}

/** 64-bit shifts by a count known when compiling. */
function shiftConst(d: number, n: number, kind: 'lsh' | 'rsh' | 'arsh'): string {
  const l = lo(d);
  const h = hi(d);
  if (n === 0) return '';
  if (kind === 'lsh') return n < 32 ? `${h}=(${h}<<${n})|(${l}>>>${32 - n});${l}=${l}<<${n};` : `${h}=${l}<<${n - 32};${l}=0;`;
  const ushr = kind === 'rsh' ? '>>>' : '>>';
  if (n < 32) return `${l}=(${l}>>>${n})|(${h}<<${32 - n});${h}=(${h}${ushr}${n})|0;`;
  return kind === 'rsh' ? `${l}=(${h}>>>${n - 32})|0;${h}=0;` : `${l}=${h}>>${n - 32};${h}=${h}>>31;`;
}

/** 64-bit shifts by a register's low 6 bits. */
function shiftReg(x: Site, kind: 'lsh' | 'rsh' | 'arsh'): string {
  const l = lo(x.d);
  const h = hi(x.d);
  const head = `t=${lo(x.s)}&63;if(t!==0){if(t<32){`;
  if (kind === 'lsh') return `${head}${h}=(${h}<<t)|(${l}>>>(32-t));${l}=${l}<<t;}else{${h}=${l}<<(t-32);${l}=0;}}`;
  const ushr = kind === 'rsh' ? '>>>' : '>>';
  const top = kind === 'rsh' ? `${l}=(${h}>>>(t-32))|0;${h}=0;` : `${l}=${h}>>(t-32);${h}=${h}>>31;`;
  return `${head}${l}=(${l}>>>t)|(${h}<<(32-t));${h}=(${h}${ushr}t)|0;}else{${top}}}`;
}

/** div/mod of any width through the runtime: it updates the registers' halves or stops the run. */
function divide(x: Site, fromReg: boolean): string {
  const [bl, bh] = operand(x, fromReg);
  const signed = x.off === 1 ? 1 : 0;
  const d = x.d;
  // rt.div returns 0 when the run stopped, else 1; the result is in rt.L / rt.H
  return (
    `if(rt.div(cpu,${x.i},${lo(d)},${hi(d)},${bl},${bh},${x.op},${signed},${fromReg ? 1 : 0})===0){` +
    `if(cpu.stop.kind==="exit"){l0=0;h0=0;}${x.stop}}${lo(d)}=rt.rl;${hi(d)}=rt.rh;`
  );
}

const bswap16 = (v: string): string => `(((${v}&255)<<8)|((${v}>>>8)&255))`;
const bswap32 = (v: string): string => `(((${v}&255)<<24)|((${v}&65280)<<8)|((${v}>>>8)&65280)|((${v}>>>24)&255))`;

function bswap(x: Site): string {
  const l = lo(x.d);
  const h = hi(x.d);
  if (x.imm === 16) return `${l}=${bswap16(l)};${h}=0;`;
  if (x.imm === 32) return `${l}=${bswap32(l)};${h}=0;`;
  return `t=${l};${l}=${bswap32(h)};${h}=${bswap32('t')};`;
}

function truncate(x: Site): string {
  if (x.imm === 16) return `${lo(x.d)}&=65535;${hi(x.d)}=0;`;
  if (x.imm === 32) return `${hi(x.d)}=0;`;
  return '';
}

function mov64(x: Site): string {
  const d = x.d;
  const s = x.s;
  const v = x.off;
  if (v === 0) return d === s ? '' : `${lo(d)}=${lo(s)};${hi(d)}=${hi(s)};`;
  const val = v === 32 ? lo(s) : v === 16 ? `((${lo(s)}<<16)>>16)` : `((${lo(s)}<<24)>>24)`;
  return `${lo(d)}=${val};${hi(d)}=${lo(d)}>>31;`;
}

function mov32(x: Site): string {
  const v = x.off;
  const val = v === 0 ? lo(x.s) : v === 16 ? `((${lo(x.s)}<<16)>>16)` : `((${lo(x.s)}<<24)>>24)`;
  return `${lo(x.d)}=${val};${hi(x.d)}=0;`;
}

/** A 32-bit operation `dst = expr(dst, operand)`; the upper half becomes 0. */
const alu32 =
  (f: (a: string, b: string) => string, reg: boolean): Emit =>
  (x) =>
    `${lo(x.d)}=${f(lo(x.d), reg ? lo(x.s) : lit(x.imm))};${hi(x.d)}=0;`;

export const ALU: Record<number, Emit> = {
  0x07: (x) => add64(x, false),
  0x0f: (x) => add64(x, true),
  0x17: (x) => sub64(x, false),
  0x1f: (x) => sub64(x, true),
  0x27: (x) => mul64(x, false),
  0x2f: (x) => mul64(x, true),
  0x37: (x) => divide(x, false),
  0x3f: (x) => divide(x, true),
  0x47: (x) => bitwise64(x, false, '|'),
  0x4f: (x) => bitwise64(x, true, '|'),
  0x57: (x) => bitwise64(x, false, '&'),
  0x5f: (x) => bitwise64(x, true, '&'),
  0x67: (x) => shiftConst(x.d, x.imm & 63, 'lsh'),
  0x6f: (x) => shiftReg(x, 'lsh'),
  0x77: (x) => shiftConst(x.d, x.imm & 63, 'rsh'),
  0x7f: (x) => shiftReg(x, 'rsh'),
  0x87: (x) => `t=${lo(x.d)};${lo(x.d)}=-t|0;${hi(x.d)}=(~${hi(x.d)}+(t===0?1:0))|0;`,
  0x97: (x) => divide(x, false),
  0x9f: (x) => divide(x, true),
  0xa7: (x) => bitwise64(x, false, '^'),
  0xaf: (x) => bitwise64(x, true, '^'),
  0xb7: (x) => `${lo(x.d)}=${lit(x.imm)};${hi(x.d)}=${lit(x.imm >> 31)};`,
  0xbf: mov64,
  0xc7: (x) => shiftConst(x.d, x.imm & 63, 'arsh'),
  0xcf: (x) => shiftReg(x, 'arsh'),
  0xd7: bswap,

  0x04: alu32((a, b) => `(${a}+${b})|0`, false),
  0x0c: alu32((a, b) => `(${a}+${b})|0`, true),
  0x14: alu32((a, b) => `(${a}-${b})|0`, false),
  0x1c: alu32((a, b) => `(${a}-${b})|0`, true),
  0x24: alu32((a, b) => `Math.imul(${a},${b})`, false),
  0x2c: alu32((a, b) => `Math.imul(${a},${b})`, true),
  0x34: (x) => divide(x, false),
  0x3c: (x) => divide(x, true),
  0x44: alu32((a, b) => `${a}|${b}`, false),
  0x4c: alu32((a, b) => `${a}|${b}`, true),
  0x54: alu32((a, b) => `${a}&${b}`, false),
  0x5c: alu32((a, b) => `${a}&${b}`, true),
  0x64: alu32((a, b) => `${a}<<(${b}&31)`, false),
  0x6c: alu32((a, b) => `${a}<<(${b}&31)`, true),
  0x74: alu32((a, b) => `(${a}>>>(${b}&31))|0`, false),
  0x7c: alu32((a, b) => `(${a}>>>(${b}&31))|0`, true),
  0x84: alu32((a) => `-${a}|0`, false),
  0x94: (x) => divide(x, false),
  0x9c: (x) => divide(x, true),
  0xa4: alu32((a, b) => `${a}^${b}`, false),
  0xac: alu32((a, b) => `${a}^${b}`, true),
  0xb4: (x) => `${lo(x.d)}=${lit(x.imm)};${hi(x.d)}=0;`,
  0xbc: mov32,
  0xc4: alu32((a, b) => `${a}>>(${b}&31)`, false),
  0xcc: alu32((a, b) => `${a}>>(${b}&31)`, true),
  0xd4: truncate,
  0xdc: bswap,
};
ALU[0x8f] = ALU[0x87];
ALU[0x8c] = ALU[0x84];

// ---- jumps ----

/** Unsigned a > b and a >= b, signed too, over 64 bits given as halves. */
const gtu = (ah: string, al: string, bh: string, bl: string): string => `(${ah}!==${bh}?(${ah}>>>0)>(${bh}>>>0):(${al}>>>0)>(${bl}>>>0))`;
const geu = (ah: string, al: string, bh: string, bl: string): string => `(${ah}!==${bh}?(${ah}>>>0)>(${bh}>>>0):(${al}>>>0)>=(${bl}>>>0))`;
const gts = (ah: string, al: string, bh: string, bl: string): string => `(${ah}!==${bh}?${ah}>${bh}:(${al}>>>0)>(${bl}>>>0))`;
const ges = (ah: string, al: string, bh: string, bl: string): string => `(${ah}!==${bh}?${ah}>${bh}:(${al}>>>0)>=(${bl}>>>0))`;

type Cond = (dl: string, dh: string, sl: string, sh: string, su: string) => string;

/** 64-bit conditions by the opcode's upper nibble; `su` is the operand's low half as unsigned. */
const COND64: Record<number, Cond> = {
  0x10: (dl, dh, sl, sh) => `(${dl}===${sl}&&${dh}===${sh})`,
  0x20: (dl, dh, sl, sh) => gtu(dh, dl, sh, sl),
  0x30: (dl, dh, sl, sh) => geu(dh, dl, sh, sl),
  0x40: (dl, dh, sl, sh) => `((${dl}&${sl})|(${dh}&${sh}))!==0`,
  0x50: (dl, dh, sl, sh) => `(${dl}!==${sl}||${dh}!==${sh})`,
  0x60: (dl, dh, sl, sh) => gts(dh, dl, sh, sl),
  0x70: (dl, dh, sl, sh) => ges(dh, dl, sh, sl),
  0xa0: (dl, dh, sl, sh) => gtu(sh, sl, dh, dl),
  0xb0: (dl, dh, sl, sh) => geu(sh, sl, dh, dl),
  0xc0: (dl, dh, sl, sh) => gts(sh, sl, dh, dl),
  0xd0: (dl, dh, sl, sh) => ges(sh, sl, dh, dl),
};

/** 32-bit conditions (JMP32): compares of the low halves. */
const COND32: Record<number, Cond> = {
  0x10: (dl, _, sl) => `${dl}===${sl}`,
  0x20: (dl, _, _sl, _sh, su) => `(${dl}>>>0)>${su}`,
  0x30: (dl, _, _sl, _sh, su) => `(${dl}>>>0)>=${su}`,
  0x40: (dl, _, sl) => `(${dl}&${sl})!==0`,
  0x50: (dl, _, sl) => `${dl}!==${sl}`,
  0x60: (dl, _, sl) => `${dl}>${sl}`,
  0x70: (dl, _, sl) => `${dl}>=${sl}`,
  0xa0: (dl, _, _sl, _sh, su) => `(${dl}>>>0)<${su}`,
  0xb0: (dl, _, _sl, _sh, su) => `(${dl}>>>0)<=${su}`,
  0xc0: (dl, _, sl) => `${dl}<${sl}`,
  0xd0: (dl, _, sl) => `${dl}<=${sl}`,
};

/** A jump at `x.i`: taken goes to `taken`, else falls to the next slot. */
export function emitJump(x: Site, taken: number): string {
  if (x.op === 0x05 || x.op === 0x06) return x.goto(taken);
  const reg = (x.op & 8) !== 0;
  const table = (x.op & 7) === 6 ? COND32 : COND64;
  const sl = reg ? lo(x.s) : lit(x.imm);
  const sh = reg ? hi(x.s) : lit(x.imm >> 31);
  const su = reg ? `(${lo(x.s)}>>>0)` : ulit(x.imm);
  const cond = table[x.op & 0xf0](lo(x.d), hi(x.d), sl, sh, su);
  return `if(${cond}){${x.goto(taken)}}${x.goto(x.i + 1)}`;
}
