/**
 * The ubpf-style syntax of the conformance corpus (`mov %r0, 1`, `ldxw %r0, [%r1+4]`,
 * `jeq %r1, 0, +2`), as the union of the bpf_conformance, uBPF and rbpf dialects (docs/asm.md):
 * `%` optional, free whitespace, `add64`
 * aliases, rbpf's `ldabs*`/`ldind*`. Registers r11-r15 assemble (the loader refuses them).
 * The mnemonic table (src/isa/mnemonics.ts, shared with the editor) is the whole grammar; each
 * shape has one operand reader.
 */
import { MNEMONICS, MNEMONIC_OPERANDS, UBPF_STATEMENT_WORDS, type AtomicName, type MnemonicShape as Shape } from '../isa';
import { fail } from './diagnostic';
import * as enc from './encode';
import type { Emit, Operand } from './encode';
import type { Token } from './lexer';
import { Cursor, type Target } from './operands';
import { isMapOperand, mapRef, parseCall, parseExit, parseMapOperand } from './parse-common';

/** Whether a line starting with `word` (and then `next`) is ubpf syntax. */
export const isUbpfStart = (word: string, next?: Token): boolean =>
  MNEMONICS.has(word) || (word === 'lock' && !(next?.kind === 'op' && next.text === '*'));

/** Parses one ubpf-style instruction. */
export function parseUbpf(c: Cursor): Emit {
  const t = c.peek()!;
  if (t.kind === 'ident' && (t.text === 'call' || t.text === 'callx')) return parseCall(c);
  if (t.kind === 'ident' && t.text === 'exit') return parseExit(c);
  if (t.kind === 'ident' && t.text === 'lock') return parseLock(c);
  const shape = t.kind === 'ident' ? MNEMONICS.get(t.text) : undefined;
  if (!shape) fail(`invalid mnemonic: ${t.text}${suggest(t.text)}`, t);
  c.i++;
  const ops = splitOperands(c);
  const [count, hint] = MNEMONIC_OPERANDS[shape.k];
  if (ops.length !== count) fail(`invalid number of operands for mnemonic: ${t.text} (it takes ${hint})`, c.whole);
  return encodeShape(shape, ops);
}

/** The remaining tokens as comma-separated operands, each with its own cursor. */
function splitOperands(c: Cursor): Cursor[] {
  const out: Cursor[] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (; !c.atEnd(); c.i++) {
    const t = c.peek()!;
    if (t.kind === 'op' && t.text === '[') depth++;
    if (t.kind === 'op' && t.text === ']') depth--;
    if (t.kind === 'op' && t.text === ',' && depth === 0) {
      if (!cur.length) fail('empty operand', t);
      out.push(sub(c, cur));
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push(sub(c, cur));
  else if (out.length) fail('empty operand after `,`', c.endSpan());
  return out;
}

const sub = (c: Cursor, toks: Token[]): Cursor =>
  new Cursor(toks, 'ubpf', { col: toks[0].col, end: toks[toks.length - 1].end });

/** Reads one whole operand with `read`, refusing anything left over. */
function whole<T>(c: Cursor, read: (c: Cursor) => T): T {
  const v = read(c);
  c.expectEnd();
  return v;
}

const regOrImm = (c: Cursor): Operand => (c.isReg() ? { reg: c.reg('source').n } : { imm: c.imm32('a register or an immediate') });

/** `[%r1+4]`, `[r10 - 8]`, `[%r1]`. */
function memref(c: Cursor): { reg: number; off: number } {
  if (!c.isOp('[')) fail(`failed to decode register and offset: ${c.toks.map((t) => t.text).join('')} (write [r1+OFF])`, c.whole);
  c.i++;
  const base = c.reg('base register');
  let off = 0;
  if (c.isOp('+') || c.isOp('-')) off = c.offset(16, 'memory offset');
  c.expectOp(']', ' to close the memory operand');
  return { reg: base.n, off };
}

function jumpEmit(raw: Emit['raw'], t: Target, field: 'off' | 'imm'): Emit {
  if ('label' in t) return { raw, fix: { kind: 'jump', label: t.label, field, col: t.col, end: t.end } };
  return { raw };
}

function encodeShape(s: Shape, ops: Cursor[]): Emit {
  const reg = (i: number, role: string) => whole(ops[i], (c) => c.reg(role).n);
  switch (s.k) {
    case 'alu':
      return { raw: enc.alu(s.op, s.alu64, reg(0, 'destination'), whole(ops[1], regOrImm)) };
    case 'neg':
      return { raw: enc.neg(s.alu64, reg(0, 'destination')) };
    case 'end':
      return { raw: enc.end(s.order, s.bits, reg(0, 'destination')) };
    case 'movsx':
      return { raw: enc.movsx(s.alu64, s.bits, reg(0, 'destination'), reg(1, 'source')) };
    case 'lddw':
    case 'ld_map_fd':
      return loadImm64(s.k, reg(0, 'destination'), ops[1]);
    case 'ldx': {
      const m = whole(ops[1], memref);
      return { raw: enc.ldx(s.bytes, s.signed, reg(0, 'destination'), m.reg, m.off) };
    }
    case 'st': {
      const m = whole(ops[0], memref);
      return { raw: enc.st(s.bytes, m.reg, m.off, whole(ops[1], (c) => c.imm32())) };
    }
    case 'stx': {
      const m = whole(ops[0], memref);
      return { raw: enc.stx(s.bytes, m.reg, reg(1, 'source'), m.off) };
    }
    case 'ldabs':
      return { raw: enc.ldAbs(s.bytes, whole(ops[0], (c) => c.imm32('an offset'))) };
    case 'ldind':
      return { raw: enc.ldInd(s.bytes, reg(0, 'index register'), whole(ops[1], (c) => c.imm32('an offset'))) };
    case 'ja': {
      const t = whole(ops[0], (c) => c.target(s.long ? 32 : 16));
      const v = 'off' in t ? t.off : 0;
      return jumpEmit(s.long ? enc.ja32(v) : enc.ja(v), t, s.long ? 'imm' : 'off');
    }
    case 'jcond': {
      const rhs = whole(ops[1], regOrImm);
      const t = whole(ops[2], (c) => c.target(16));
      return jumpEmit(enc.jcond(s.op, s.jmp32, reg(0, 'compared register'), rhs, 'off' in t ? t.off : 0), t, 'off');
    }
  }
}

/** `lddw r1, 0x...`, `lddw r1, map[counts]`, `ld_map_fd r1, counts`, `ld_map_fd r1, 3` (an fd). */
function loadImm64(k: 'lddw' | 'ld_map_fd', dst: number, c: Cursor): Emit {
  if (isMapOperand(c)) return whole(c, (c) => parseMapOperand(c, dst));
  if (k === 'lddw' && c.isNum()) return enc.ldImm64(dst, whole(c, (c) => c.imm64()));
  if (k === 'ld_map_fd' && c.isNum()) return enc.ldImm64(dst, BigInt(whole(c, (c) => c.imm32('a map fd')) >>> 0), 1, 0);
  const t = c.next('a map name');
  if (t.kind !== 'ident') fail(`expected ${k === 'lddw' ? 'a 64-bit value or a map' : 'a map name'}, found \`${t.text}\``, t);
  c.expectEnd();
  return mapRef(dst, t);
}

/** `lock [fetch] add|or|and|xor|xchg|cmpxchg[32] [r1+off], r2`. */
function parseLock(c: Cursor): Emit {
  const kw = c.next('lock');
  const fetch = c.eatWord('fetch');
  const w = c.peek();
  const usage = 'invalid number of operands for lock (write lock add [r1+0], r2)';
  if (!w) fail(usage, { col: kw.col, end: kw.end });
  const m = w.kind === 'ident' ? /^(add|or|and|xor|xchg|cmpxchg)(32|64)?$/.exec(w.text) : null;
  if (!m) {
    if (w.kind === 'ident' && !c.isReg()) fail(`unknown atomic operation \`${w.text}\` (add, or, and, xor, xchg, cmpxchg)`, w);
    fail(usage, c.whole);
  }
  c.i++;
  const ops = splitOperands(c);
  if (ops.length !== 2) fail(usage, c.whole);
  const aop = m[1] as AtomicName;
  const implicitFetch = aop === 'xchg' || aop === 'cmpxchg';
  if (fetch && implicitFetch) fail(`${aop} always fetches; drop \`fetch\``, w);
  const mem = whole(ops[0], memref);
  const src = whole(ops[1], (c) => c.reg('source').n);
  return { raw: enc.atomic(m[2] === '32' ? 4 : 8, aop, fetch || implicitFetch, mem.reg, src, mem.off) };
}

/** ` (did you mean ldxw?)` for a near miss, or nothing. */
function suggest(word: string): string {
  let best = '';
  let bestD = word.length <= 4 ? 2 : 3;
  for (const m of [...MNEMONICS.keys(), ...UBPF_STATEMENT_WORDS]) {
    const d = editDistance(word, m, bestD);
    if (d < bestD) [best, bestD] = [m, d];
  }
  return best ? ` (did you mean ${best}?)` : '';
}

/** Levenshtein distance, giving up at `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(prev[b.length], limit);
}
