/**
 * Reading operands from a line's tokens, shared by both syntaxes: registers, numbers with their
 * range rules, memory offsets and jump targets. Range rules (docs/asm.md): a decimal is a value
 * and must fit the field as a signed number; a hex number may also be written as the field's
 * bit pattern (`0xffffffff` is imm -1, `+0xffff` is off -1); a negative hex is a value.
 */
import { fail, type Span } from './diagnostic';
import type { Token } from './lexer';

export type Syntax = 'llvm' | 'ubpf';

/** A register as written: its number, whether it was a 32-bit `w` name, where it is. */
export interface Reg extends Span {
  n: number;
  w: boolean;
  text: string;
}

/** A number as written: its value (sign applied), whether it was hex, where it is. */
interface Num extends Span {
  value: bigint;
  hex: boolean;
  text: string;
}

/** A jump or call target: a slot offset, or a label resolved later. */
export type Target = ({ off: number } | { label: string }) & Span;

const REG_RE = /^(%?)([rw])(\d+)$/;

/** A cursor over one line's tokens. */
export class Cursor {
  i = 0;
  constructor(
    readonly toks: Token[],
    readonly syntax: Syntax,
    /** the span of the whole statement, for messages about it */
    readonly whole: Span,
    /** accept r11-r15 in pseudo-C too (a pasted verifier-log line may show them) */
    readonly wideRegs = false,
  ) {}

  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  /** The span just past the last token, for "expected X" at the end of a line. */
  endSpan(): Span {
    const last = this.toks[this.toks.length - 1];
    return last ? { col: last.end, end: last.end + 1 } : this.whole;
  }
  next(what: string): Token {
    const t = this.toks[this.i];
    if (!t) fail(`expected ${what} at the end of the line`, this.endSpan());
    this.i++;
    return t;
  }
  isOp(text: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return !!t && t.kind === 'op' && t.text === text;
  }
  isWord(text: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return !!t && t.kind === 'ident' && t.text === text;
  }
  eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.i++;
    return true;
  }
  eatWord(text: string): boolean {
    if (!this.isWord(text)) return false;
    this.i++;
    return true;
  }
  expectOp(text: string, context = ''): Token {
    const t = this.next(`\`${text}\`${context}`);
    if (t.kind !== 'op' || t.text !== text) fail(`expected \`${text}\`${context}, found \`${t.text}\``, t);
    return t;
  }
  expectWord(text: string, context = ''): Token {
    const t = this.next(`\`${text}\`${context}`);
    if (t.kind !== 'ident' || t.text !== text) fail(`expected \`${text}\`${context}, found \`${t.text}\``, t);
    return t;
  }
  expectEnd(): void {
    const t = this.peek();
    if (t) fail(`unexpected \`${t.text}\` after the instruction`, { col: t.col, end: this.toks[this.toks.length - 1].end });
  }

  /** Whether the next token looks like a register name. */
  isReg(k = 0): boolean {
    const t = this.toks[this.i + k];
    return !!t && t.kind === 'ident' && REG_RE.test(t.text);
  }

  /** A register. `w` names only where `allowW`; r11-r15 only in ubpf syntax. */
  reg(role: string, allowW = false): Reg {
    const t = this.next(`a register (${role})`);
    const m = t.kind === 'ident' ? REG_RE.exec(t.text) : null;
    if (!m) fail(`expected a register (${role}), found \`${t.text}\``, t);
    const n = Number(m[3]);
    const w = m[2] === 'w';
    if (this.syntax === 'ubpf') {
      if (w) fail(`invalid register: ${t.text}; ubpf syntax names registers r0-r10 (or %r0-%r10)`, t);
      if (n > 15) fail(`invalid register: ${t.text}; registers are r0-r10 (r11-r15 assemble, but the kernel refuses them)`, t);
    } else {
      if (m[1]) fail(`\`%\` is ubpf syntax; write ${t.text.slice(1)}`, t);
      if (n > (this.wideRegs ? 15 : 10)) fail(`unknown register ${t.text}; registers are ${w ? 'w0-w10' : 'r0-r10'}`, t);
      if (w && !allowW) fail(`${t.text} is a 32-bit register name; here write r${n}`, t);
    }
    return { n, w, text: t.text, col: t.col, end: t.end };
  }

  /** A number with an optional sign (`-8`, `+0x10`, `- 4`). */
  num(what: string): Num {
    let sign = 1n;
    const first = this.peek();
    if (first && first.kind === 'op' && (first.text === '-' || first.text === '+')) {
      this.i++;
      if (first.text === '-') sign = -1n;
    }
    const t = this.next(what);
    if (t.kind !== 'num') fail(`expected ${what}, found \`${t.text}\``, t);
    const span = { col: first && first !== t ? first.col : t.col, end: t.end };
    const text = sign < 0n ? `-${t.text}` : t.text;
    const parsed = parseNumber(t.text);
    if (parsed === undefined) fail(`bad number \`${t.text}\`: numbers are decimal (42), hex (0x2a) or binary (0b101)`, t);
    return { value: sign * parsed.value, hex: parsed.hex, text, ...span };
  }

  /** Whether the next token starts a number (a digit, or a sign and a digit). */
  isNum(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.kind === 'num') return true;
    return t.kind === 'op' && (t.text === '-' || t.text === '+') && this.peek(1)?.kind === 'num';
  }

  /** A 32-bit immediate: decimal -2^31..2^31-1, or hex up to 0xffffffff (a bit pattern). */
  imm32(what = 'an immediate'): number {
    return imm32Of(this.num(what));
  }

  /** A 64-bit immediate (ld_imm64): decimal -2^63..2^64-1, hex up to 16 digits. */
  imm64(what = 'a 64-bit immediate'): bigint {
    return imm64Of(this.num(what));
  }

  /** A jump target: `+N`, `-N`, `N`, `pc+N`, or a label. `bits` is the offset field's width. */
  target(bits: 16 | 32): Target {
    const t = this.peek();
    if (t && t.kind === 'ident' && t.text === 'pc' && (this.isOp('+', 1) || this.isOp('-', 1))) {
      this.i++;
      const o = this.offset(bits, 'jump offset');
      return { off: o, col: t.col, end: this.toks[this.i - 1].end };
    }
    if (t && t.kind === 'ident' && !REG_RE.test(t.text)) {
      this.i++;
      return { label: t.text, col: t.col, end: t.end };
    }
    if (!this.isNum()) fail(`expected a jump target (+N, -N or a label)${t ? `, found \`${t.text}\`` : ''}`, t ?? this.endSpan());
    const start = this.peek()!;
    const o = this.offset(bits, 'jump offset');
    return { off: o, col: start.col, end: this.toks[this.i - 1].end };
  }

  /** A signed offset field (memory offsets are 16 bits, jumps 16, ja32 and calls 32). */
  offset(bits: 16 | 32, what: string): number {
    const v = this.num(`a ${what}`);
    const name = bits === 16 ? 'offset out of 16-bit range' : 'offset out of 32-bit range';
    return checkBits(v, bits, what, name);
  }
}

/** The imm field for a number: decimal -2^31..2^31-1, or hex up to 0xffffffff. */
export const imm32Of = (v: Num): number => checkBits(v, 32, 'immediate', 'immediate out of 32-bit range');

/** Whether a number fits a 32-bit imm field under the same rule. */
export const fitsImm32 = (v: Num): boolean =>
  v.value >= -(1n << 31n) && (v.value < 1n << 31n || (v.hex && v.value < 1n << 32n));

/** A 64-bit value: decimal -2^63..2^64-1, hex up to 16 digits. */
export function imm64Of(v: Num): bigint {
  if (v.value < -(1n << 63n) || v.value >= 1n << 64n) fail(`immediate out of 64-bit range: ${v.text}`, v);
  return BigInt.asUintN(64, v.value);
}

/** Parses an unsigned number token: decimal, 0x hex or 0b binary. */
export function parseNumber(text: string): { value: bigint; hex: boolean } | undefined {
  if (/^\d+$/.test(text)) return { value: BigInt(text), hex: false };
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return { value: BigInt(text), hex: true };
  if (/^0[bB][01]+$/.test(text)) return { value: BigInt(text), hex: true };
  return undefined;
}

/**
 * Checks a number against a signed field of `bits` bits and returns the field's value. Hex (and
 * binary) may be the unsigned bit pattern. `head` starts the message, as the conformance
 * suite's assembler words it, so its negative tests recognise ours.
 */
function checkBits(v: Num, bits: 16 | 32, what: string, head: string): number {
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits - 1)) - 1n;
  const patternMax = (1n << BigInt(bits)) - 1n;
  const ok = v.value >= min && (v.value <= max || (v.hex && v.value <= patternMax));
  if (!ok) {
    const range = `${min}..${max}${bits === 32 ? ', or 0x0..0xffffffff' : ', or 0x0..0xffff'}`;
    fail(`${head}: ${v.text} (a ${bits}-bit ${what} is ${range})`, v);
  }
  return Number(BigInt.asIntN(bits, v.value));
}
