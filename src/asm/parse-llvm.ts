/**
 * The kernel/LLVM pseudo-C syntax: what llvm-objdump and the verifier log print (4.8's and
 * later kernels'), e.g. `r0 = *(u32 *)(r1 +76)`, `(u32) r1 += (u32) 2`, `w1 += 2`,
 * `lock *(u64 *)(r1 + 0) += r2`, `if r1 > 0x5 goto pc+3`, `r1 = map[counts] ll`.
 * One statement a line; the driver has already removed labels and a pasted log prefix.
 */
import type { AluName, AtomicName, JmpName } from '../isa';
import { fail } from './diagnostic';
import * as enc from './encode';
import type { Emit, Operand } from './encode';
import { fitsImm32, imm32Of, imm64Of, type Cursor, type Reg } from './operands';
import { SIZE_WORDS, isMapOperand, mapRef, parseCall, parseExit, parseMapOperand } from './parse-common';

/** Compound assignment operators of ALU instructions. */
const ALU_SYMS: Record<string, AluName> = {
  '+=': 'add', '-=': 'sub', '*=': 'mul', '/=': 'div', '|=': 'or', '&=': 'and', '<<=': 'lsh',
  '>>=': 'rsh', '%=': 'mod', '^=': 'xor', 's>>=': 'arsh', 's/=': 'sdiv', 's%=': 'smod',
};
/** Comparison operators of conditional jumps. */
const JMP_SYMS: Record<string, JmpName> = {
  '==': 'jeq', '!=': 'jne', '>': 'jgt', '>=': 'jge', '<': 'jlt', '<=': 'jle',
  's>': 'jsgt', 's>=': 'jsge', 's<': 'jslt', 's<=': 'jsle', '&': 'jset',
};
/** Atomic read-modify-write operators after `lock *(u64 *)(...)`. */
const LOCK_SYMS: Record<string, AtomicName> = { '+=': 'add', '|=': 'or', '&=': 'and', '^=': 'xor' };
/** Byte-order words: `r0 = be16 r0`. */
const END_WORD = /^(le|be|bswap)(16|32|64)$/;

/** What the driver knows about the line beyond its tokens. */
interface LlvmLineCtx {
  /** the opcode of a pasted verifier-log line (`12: (18) r1 = 0x0`) */
  pastedCode?: number;
}

/** Parses one pseudo-C statement. */
export function parseLlvm(c: Cursor, ctx: LlvmLineCtx = {}): Emit {
  const t = c.peek()!;
  if (t.kind === 'ident') {
    switch (t.text) {
      case 'exit':
        return parseExit(c);
      case 'call':
      case 'callx':
        return parseCall(c);
      case 'goto':
      case 'gotol':
        return parseGoto(c);
      case 'if':
        return parseIf(c);
      case 'lock':
        return parseLock(c);
    }
    if (c.isReg()) return parseRegStatement(c, ctx);
  }
  if (c.isOp('*')) return parseStore(c);
  if (c.isOp('(') && c.isWord('u32', 1)) return parseAlu32Log(c);
  return fail(`unknown instruction \`${t.text}\`; statements start with a register, *(, if, goto, call, lock or exit`, t);
}

function parseGoto(c: Cursor): Emit {
  const long = c.next('goto').text === 'gotol';
  const t = c.target(long ? 32 : 16);
  c.expectEnd();
  const raw = long ? enc.ja32('off' in t ? t.off : 0) : enc.ja('off' in t ? t.off : 0);
  if ('label' in t) return { raw, fix: { kind: 'jump', label: t.label, field: long ? 'imm' : 'off', col: t.col, end: t.end } };
  return { raw };
}

function parseIf(c: Cursor): Emit {
  c.next('if');
  const dst = c.reg('compared register', true);
  const opTok = c.next('a comparison');
  const op = JMP_SYMS[opTok.text];
  if (opTok.kind !== 'op' || !op) fail(`expected a comparison (== != > >= < <= s> s>= s< s<= &), found \`${opTok.text}\``, opTok);
  const rhs = operand(c, dst);
  c.expectWord('goto', ' after the comparison');
  const t = c.target(16);
  c.expectEnd();
  const raw = enc.jcond(op, dst.w, dst.n, rhs, 'off' in t ? t.off : 0);
  if ('label' in t) return { raw, fix: { kind: 'jump', label: t.label, field: 'off', col: t.col, end: t.end } };
  return { raw };
}

/** A register of the same width as `like`, or a 32-bit immediate. */
function operand(c: Cursor, like: Reg): Operand {
  if (c.isReg()) {
    const r = c.reg('source', true);
    if (r.w !== like.w) fail(`${like.text} and ${r.text} mix 64-bit (r) and 32-bit (w) register names`, r);
    return { reg: r.n };
  }
  return { imm: c.imm32('a register or an immediate') };
}

/** `*(u32 *)` or `*(s8 *)`: the size of a memory access. */
function sizedPointer(c: Cursor, star = true): { bytes: 1 | 2 | 4 | 8; signed: boolean } {
  if (star) c.expectOp('*');
  c.expectOp('(');
  const w = c.next('a size (u8, u16, u32, u64)');
  const size = SIZE_WORDS[w.text];
  if (!size) fail(`expected a size (u8, u16, u32, u64), found \`${w.text}\``, w);
  c.expectOp('*', ' after the size');
  c.expectOp(')');
  return size;
}

/** `(r1 + 4)`, `(r10 -8)`, `(r1)`: a base register and a 16-bit offset. */
function memOperand(c: Cursor, parens = true): { reg: number; off: number } {
  if (parens) c.expectOp('(');
  const base = c.reg('base register');
  let off = 0;
  if (c.isOp('+') || c.isOp('-')) {
    if (c.isOp('+') && c.isOp('-', 1)) c.i++;
    off = c.offset(16, 'memory offset');
  }
  if (parens) c.expectOp(')', ' after the offset');
  return { reg: base.n, off };
}

function parseStore(c: Cursor): Emit {
  const size = sizedPointer(c);
  if (size.signed) fail('stores take u8, u16, u32 or u64', c.whole);
  const m = memOperand(c);
  c.expectOp('=');
  if (c.isReg()) {
    const r = c.reg('stored register', true);
    c.expectEnd();
    return { raw: enc.stx(size.bytes, m.reg, r.n, m.off) };
  }
  const imm = c.imm32('a register or an immediate to store');
  c.expectEnd();
  return { raw: enc.st(size.bytes, m.reg, m.off, imm) };
}

function parseLock(c: Cursor): Emit {
  c.next('lock');
  const size = sizedPointer(c);
  const m = memOperand(c);
  const opTok = c.next('an operator (+= |= &= ^=)');
  const aop = LOCK_SYMS[opTok.text];
  if (!aop) fail(`expected += |= &= or ^= after lock, found \`${opTok.text}\``, opTok);
  const r = c.reg('source', true);
  c.expectEnd();
  return { raw: enc.atomic(size.bytes, aop, false, m.reg, r.n, m.off) };
}

/** 4.8's log form of 32-bit ALU: `(u32) r1 += (u32) 2`, `(u32) r0 neg (u32) 0`, `(u32) r0 endian (u32) 16`. */
function parseAlu32Log(c: Cursor): Emit {
  const u32 = () => {
    c.expectOp('(');
    c.expectWord('u32');
    c.expectOp(')');
  };
  u32();
  const dst = c.reg('destination');
  const opTok = c.next('an operator');
  const op = opTok.text === '=' ? 'mov' : ALU_SYMS[opTok.text];
  u32();
  if (opTok.text === 'neg' || opTok.text === 'endian') {
    if (c.isReg()) fail('4.8 prints a be conversion without its width; write r0 = be16 r0 (or be32, be64)', c.whole);
    const imm = c.imm32();
    c.expectEnd();
    return { raw: opTok.text === 'neg' ? enc.neg(false, dst.n, imm) : enc.end('le', imm, dst.n) };
  }
  if (!op || op === 'sdiv' || op === 'smod') fail(`unknown ALU operator \`${opTok.text}\``, opTok);
  const rhs: Operand = c.isReg() ? { reg: c.reg('source').n } : { imm: c.imm32() };
  c.expectEnd();
  return { raw: enc.alu(op, false, dst.n, rhs) };
}

/** Statements that start with a register: ALU, moves, loads, ld_imm64, atomics with fetch. */
function parseRegStatement(c: Cursor, ctx: LlvmLineCtx): Emit {
  const dst = c.reg('destination', true);
  const opTok = c.next('an operator');
  if (opTok.kind === 'ident' && (opTok.text === 'neg' || opTok.text === 'endian')) {
    // 4.8's log of 64-bit neg and of bswap: `r0 neg 0`, `(d7) r0 endian 16`
    if (dst.w) fail(`${dst.text}: 4.8's log form uses r registers`, dst);
    if (c.isReg()) fail('this encoding has no pseudo-C spelling', c.whole);
    const imm = c.imm32();
    c.expectEnd();
    return { raw: opTok.text === 'neg' ? enc.neg(true, dst.n, imm) : enc.end('bswap', imm, dst.n) };
  }
  if (opTok.kind === 'op' && ALU_SYMS[opTok.text]) {
    const rhs = operand(c, dst);
    c.expectEnd();
    return { raw: enc.alu(ALU_SYMS[opTok.text], !dst.w, dst.n, rhs) };
  }
  if (opTok.kind !== 'op' || opTok.text !== '=') fail(`expected an assignment operator after ${dst.text}, found \`${opTok.text}\``, opTok);
  return parseAssign(c, dst, ctx);
}

function parseAssign(c: Cursor, dst: Reg, ctx: LlvmLineCtx): Emit {
  const t = c.peek();
  if (!t) fail('expected a value after `=`', c.endSpan());
  if (t.kind === 'op' && t.text === '-' && c.isReg(1)) {
    c.i++;
    const r = c.reg('negated register', true);
    if (r.n !== dst.n || r.w !== dst.w) fail(`neg negates a register in place: write ${dst.text} = -${dst.text}`, r);
    c.expectEnd();
    return { raw: enc.neg(!dst.w, dst.n) };
  }
  if (c.isReg()) {
    const src = c.reg('source', true);
    if (src.w !== dst.w) fail(`${dst.text} and ${src.text} mix 64-bit (r) and 32-bit (w) register names`, src);
    c.expectEnd();
    return { raw: enc.alu('mov', !dst.w, dst.n, { reg: src.n }) };
  }
  if (c.isNum()) return assignNumber(c, dst, ctx);
  if (t.kind === 'op' && t.text === '(') return parseMovsx(c, dst);
  if (t.kind === 'op' && t.text === '*') return parseLoad(c, dst);
  if (t.kind !== 'ident') fail(`cannot read \`${t.text}\` as a value`, t);
  const endm = END_WORD.exec(t.text);
  if (endm) {
    c.i++;
    const r = c.reg('converted register');
    if (r.n !== dst.n || dst.w) fail(`byte-order conversions work in place: write r${dst.n} = ${t.text} r${dst.n}`, r);
    c.expectEnd();
    return { raw: enc.end(endm[1] as 'le' | 'be' | 'bswap', Number(endm[2]), dst.n) };
  }
  if (/^(atomic(64)?_(fetch_(add|and|or|xor)|xchg|cmpxchg)|xchg(32)?_(64|32)|cmpxchg(32)?_(64|32))$/.test(t.text)) {
    return parseAtomicCall(c, dst);
  }
  if (dst.w) fail(`ld_imm64 loads 64 bits: write r${dst.n} = ...`, dst);
  if (isMapOperand(c)) {
    const e = parseMapOperand(c, dst.n);
    c.eatWord('ll');
    c.expectEnd();
    return e;
  }
  c.i++;
  c.eatWord('ll');
  c.expectEnd();
  return mapRef(dst.n, t);
}

/** `r0 = 5`, `w0 = -1`, `r1 = 0x1122334455667788 ll`, and 4.8's `(18) r1 = 0x3a5c0000`. */
function assignNumber(c: Cursor, dst: Reg, ctx: LlvmLineCtx): Emit {
  const v = c.num('a value');
  const wide = c.eatWord('ll');
  c.expectEnd();
  if (wide || ctx.pastedCode === 0x18) {
    if (dst.w) fail(`ld_imm64 loads 64 bits: write r${dst.n} = ${v.text} ll`, dst);
    return enc.ldImm64(dst.n, imm64Of(v));
  }
  if (!fitsImm32(v) && !dst.w && v.value >= -(1n << 63n) && v.value < 1n << 64n) {
    fail(`immediate out of 32-bit range: ${v.text}; for a 64-bit value write r${dst.n} = ${v.text} ll`, v);
  }
  return { raw: enc.alu('mov', !dst.w, dst.n, { imm: imm32Of(v) }) };
}

/** `r0 = (s8)r1`, `w0 = (s16)w1` (movsx, beyond 4.8). */
function parseMovsx(c: Cursor, dst: Reg): Emit {
  c.expectOp('(');
  const w = c.next('s8, s16 or s32');
  const size = SIZE_WORDS[w.text];
  if (!size?.signed) fail(`expected s8, s16 or s32 for a sign-extending move, found \`${w.text}\``, w);
  c.expectOp(')');
  const src = c.reg('source', true);
  if (src.w !== dst.w) fail(`${dst.text} and ${src.text} mix 64-bit (r) and 32-bit (w) register names`, src);
  if (dst.w && size.bytes === 4) fail('(s32) needs 64-bit registers: r0 = (s32)r1', w);
  c.expectEnd();
  return { raw: enc.movsx(!dst.w, (size.bytes * 8) as 8 | 16 | 32, dst.n, src.n) };
}

/** `r0 = *(u32 *)(r1 + 4)` and the packet loads `r0 = *(u8 *)skb[12]`, `skb[r7 + 12]`. */
function parseLoad(c: Cursor, dst: Reg): Emit {
  const size = sizedPointer(c);
  if (c.eatWord('skb')) {
    if (dst.n !== 0 || dst.w) fail('packet loads (skb[...]) always load into r0', dst);
    if (size.signed) fail('packet loads take u8, u16 or u32', c.whole);
    c.expectOp('[');
    let raw;
    if (c.isReg()) {
      const src = c.reg('index register');
      let imm = 0;
      if (c.isOp('+') || c.isOp('-')) {
        if (c.isOp('+') && c.isOp('-', 1)) c.i++;
        imm = c.imm32('an offset');
      }
      raw = enc.ldInd(size.bytes, src.n, imm);
    } else raw = enc.ldAbs(size.bytes, c.imm32('an offset'));
    c.expectOp(']');
    c.expectEnd();
    return { raw };
  }
  const m = memOperand(c);
  c.expectEnd();
  if (dst.w && (size.signed || size.bytes === 8)) fail(`this load needs a 64-bit register: r${dst.n}`, dst);
  return { raw: enc.ldx(size.bytes, size.signed, dst.n, m.reg, m.off) };
}

/**
 * Atomics that return a value: `r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)`,
 * `r2 = xchg_64(r1 + 0, r2)`, `r0 = cmpxchg_64(r1 + 8, r0, r2)` (LLVM), and the kernel's
 * `atomic64_fetch_add`, `atomic64_xchg`, `atomic64_cmpxchg((u64 *)(r10 -16), r0, r2)`.
 */
function parseAtomicCall(c: Cursor, dst: Reg): Emit {
  const name = c.next('an atomic operation');
  c.expectOp('(');
  let bytes: 4 | 8;
  const llvmStyle = /^(xchg|cmpxchg)/.test(name.text);
  if (llvmStyle) bytes = name.text.endsWith('_64') ? 8 : 4;
  else bytes = sizedPointer(c, false).bytes === 8 ? 8 : 4;
  const m = memOperand(c, !llvmStyle);
  const cmp = name.text.includes('cmpxchg');
  if (cmp) {
    c.expectOp(',');
    const r0 = c.reg('expected value (r0)', true);
    if (r0.n !== 0 || dst.n !== 0) fail('cmpxchg compares with r0 and returns the old value in r0', r0);
  }
  c.expectOp(',');
  const src = c.reg('source', true);
  c.expectOp(')');
  c.expectEnd();
  if (!cmp && src.n !== dst.n) fail(`the old value goes back into the source register: write ${src.text} = ${name.text}(...)`, dst);
  const aop: AtomicName = cmp ? 'cmpxchg' : name.text.includes('xchg') ? 'xchg' : (name.text.split('_').pop() as AtomicName);
  return { raw: enc.atomic(bytes, aop, true, m.reg, src.n, m.off) };
}
