/**
 * The assembler's driver: splits the text into lines, takes off labels and pasted listing
 * prefixes (`12: (bf) ` from a verifier log, `0: b7 00 ... 00 ` from llvm-objdump), picks the
 * syntax of each line, lets the parsers and directives encode, then resolves labels, helper
 * names and map references and builds the `Program`. Never throws: every problem becomes a
 * diagnostic with its line and columns.
 */
import { decodeProgram, helperByName, writeRaw, Pseudo, type Insn } from '../isa';
import type { MapRef, Program, SourcePos } from '../program';
import { AsmError, type AsmResult, type Diagnostic, type Span } from './diagnostic';
import { finishEntries, newDirectiveState, parseDirective, type DirectiveState } from './directives';
import type { Emit } from './encode';
import { lex, type Token } from './lexer';
import { Cursor, type Syntax } from './operands';
import { parseLlvm } from './parse-llvm';
import { isUbpfStart, parseUbpf } from './parse-ubpf';

/** Options of `assemble`: the syntax of every line, or `auto` (decided line by line). */
interface AsmOptions {
  syntax?: 'auto' | Syntax;
}

/** One encoded statement and where it came from. */
interface Stmt {
  emit: Emit;
  pc: number;
  line: number;
  span: Span;
  /** what a pasted listing said this line encodes */
  pasted?: { code: number; bytes?: Uint8Array } & Span;
}

const LABEL_RE = /^[A-Za-z_.][\w.]*$/;
const REG_RE = /^%?[rw]\d+$/;
const HEX2 = /^[0-9a-fA-F]{2}$/;
/** Words that start a pseudo-C statement. */
const LLVM_WORDS = new Set(['if', 'goto', 'gotol', 'lock']);

/** Assembles `text` in the kernel/LLVM syntax, the ubpf syntax, or both (`auto`). */
export function assemble(text: string, opts: AsmOptions = {}): AsmResult {
  try {
    return new Assembler(opts.syntax ?? 'auto').run(text);
  } catch (e) {
    // only a bug of ours gets here; the caller still gets a value, not an exception
    const message = `internal assembler error: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, diagnostics: [{ line: 1, col: 1, endCol: 1, message, severity: 'error' }] };
  }
}

class Assembler {
  private diags: Diagnostic[] = [];
  private stmts: Stmt[] = [];
  private labels = new Map<string, { pc: number; line: number }>();
  private dirs: DirectiveState = newDirectiveState();
  private pc = 0;
  private firstExit: number | undefined;

  constructor(private readonly syntax: 'auto' | Syntax) {}

  private report(line: number, span: Span, message: string, severity: Diagnostic['severity'] = 'error'): void {
    this.diags.push({ line, col: span.col, endCol: Math.max(span.end, span.col + 1), message, severity });
  }

  run(text: string): AsmResult {
    const lines = text.split('\n');
    let inBlock = false;
    for (let i = 0; i < lines.length; i++) {
      const lx = lex(lines[i], inBlock);
      inBlock = lx.inBlock;
      if (lx.badString) this.report(i + 1, lx.badString, 'unterminated string: add the closing "');
      else if (lx.toks.length) this.line(lx.toks, i + 1);
      if (lx.semicolon) this.checkSemicolon(lx.semicolon, i + 1, lines[i].length);
    }
    if (inBlock) this.report(lines.length, { col: 1, end: 2 }, 'unterminated /* comment');
    finishEntries(this.dirs, (line, span, msg) => this.report(line, span, msg));
    const mapRefs = this.resolve();
    this.diags.sort((a, b) => a.line - b.line || a.col - b.col);
    if (this.diags.some((d) => d.severity === 'error')) return { ok: false, diagnostics: this.diags };
    return { ok: true, program: this.build(mapRefs), diagnostics: this.diags };
  }

  private line(all: Token[], line: number): void {
    let toks = all;
    let pasted: Stmt['pasted'];
    try {
      [toks, pasted] = stripPasted(toks);
      while (toks.length >= 2 && toks[0].kind === 'ident' && toks[1].kind === 'op' && toks[1].text === ':') {
        this.defineLabel(toks[0], line);
        toks = toks.slice(2);
      }
      if (!toks.length) return;
      const whole = { col: toks[0].col, end: toks[toks.length - 1].end };
      if (toks[0].kind === 'ident' && toks[0].text.startsWith('.')) {
        const emit = parseDirective(new Cursor(toks, 'llvm', whole), this.dirs, line);
        if (emit) this.push(emit, line, whole, pasted);
        return;
      }
      try {
        const syntax = this.syntaxOf(toks);
        const c = new Cursor(toks, syntax, whole, pasted !== undefined);
        const emit = syntax === 'ubpf' ? parseUbpf(c) : parseLlvm(c, { pastedCode: pasted?.code });
        this.push(emit, line, whole, pasted);
      } catch (e) {
        this.pc++; // keep later labels near where they belong, so errors do not cascade
        throw e;
      }
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      this.report(line, e.span, e.message);
    }
  }

  /** Warns when a `;` comment holds an instruction: LLVM would assemble it, bpflab does not. */
  private checkSemicolon(semi: { col: number; text: string }, line: number, len: number): void {
    const toks = lex(semi.text).toks;
    // only text that starts like an instruction is worth a trial assembly (prose is the common case)
    const w = toks[0]?.kind === 'ident' ? toks[0].text : '';
    if (!(isUbpfStart(w, toks[1]) || REG_RE.test(w) || LLVM_WORDS.has(w) || ['call', 'callx', 'exit'].includes(w))) return;
    const probe = new Assembler(this.syntax);
    probe.line(toks, 1);
    if (probe.diags.length === 0 && probe.stmts.length === 1) {
      const msg = `\`;\` starts a comment in bpflab, so \`${semi.text.trim()}\` is not assembled; put it on its own line`;
      this.report(line, { col: semi.col, end: len + 1 }, msg, 'warning');
    }
  }

  private defineLabel(t: Token, line: number): void {
    if (!LABEL_RE.test(t.text) || REG_RE.test(t.text)) throw new AsmError(`\`${t.text}\` cannot be a label name`, t);
    const prev = this.labels.get(t.text);
    if (prev) throw new AsmError(`label ${t.text} is already defined on line ${prev.line}`, t);
    this.labels.set(t.text, { pc: this.pc, line });
  }

  private syntaxOf(toks: Token[]): Syntax {
    const t = toks[0];
    const word = t.kind === 'ident' ? t.text : '';
    if (word === 'call' || word === 'callx' || word === 'exit') {
      if (this.syntax !== 'auto') return this.syntax;
      return toks.some((x) => x.text.startsWith('%')) ? 'ubpf' : 'llvm';
    }
    const ubpf = isUbpfStart(word, toks[1]);
    // a word that starts no pseudo-C statement is taken for a (mistyped) mnemonic
    const pseudoC = !ubpf && (!word || REG_RE.test(word) || LLVM_WORDS.has(word));
    if (this.syntax === 'llvm' && ubpf) {
      throw new AsmError(`\`${word}\` is ubpf syntax, but this source is assembled as LLVM syntax (e.g. r0 = 1, not mov r0, 1)`, t);
    }
    if (this.syntax === 'ubpf' && pseudoC) {
      throw new AsmError('this is LLVM syntax, but the source is assembled as ubpf syntax (e.g. mov r0, 1, not r0 = 1)', t);
    }
    if (this.syntax !== 'auto') return this.syntax;
    return pseudoC ? 'llvm' : 'ubpf';
  }

  private push(emit: Emit, line: number, span: Span, pasted: Stmt['pasted']): void {
    this.stmts.push({ emit, pc: this.pc, line, span, pasted });
    if (emit.raw.code === 0x95 && this.firstExit === undefined) this.firstExit = this.pc;
    this.pc += emit.next ? 2 : 1;
  }

  /** Fills in jump offsets, local calls, helper ids; collects map references. */
  private resolve(): MapRef[] {
    const refs: MapRef[] = [];
    for (const s of this.stmts) {
      const { fix, map, raw } = s.emit;
      if (map) {
        if (this.dirs.maps.some((m) => m.name === map.name)) refs.push({ pc: s.pc, map: map.name });
        else this.report(s.line, map, `no map named ${map.name}; declare it with .map ${map.name} TYPE key=K value=V entries=N`);
      }
      if (fix?.kind === 'jump') {
        const target = this.labelPc(fix.label);
        if (target === undefined) {
          this.report(s.line, fix, `invalid label: ${fix.label} (no line defines ${fix.label}:)`);
          continue;
        }
        const rel = target - (s.pc + 1);
        if (fix.field === 'off' && (rel < -32768 || rel > 32767)) {
          this.report(s.line, fix, `${fix.label} is ${rel} slots away; a jump reaches -32768..32767 (use gotol for longer jumps)`);
        } else if (fix.field === 'off') raw.off = rel;
        else raw.imm = rel;
      } else if (fix?.kind === 'call') {
        const target = this.labels.get(fix.name)?.pc;
        const helper = helperByName(fix.name);
        if (target !== undefined) [raw.src, raw.imm] = [Pseudo.CALL, target - (s.pc + 1)];
        else if (helper && helper.id > 0) raw.imm = helper.id;
        else this.report(s.line, fix, `unknown function ${fix.name}: not a label of this program nor a helper (e.g. bpf_map_lookup_elem)`);
      }
      this.checkPasted(s);
    }
    return refs;
  }

  /** A label's slot; `exit` names the first exit instruction unless the program defines it. */
  private labelPc(name: string): number | undefined {
    return this.labels.get(name)?.pc ?? (name === 'exit' ? this.firstExit : undefined);
  }

  /** Warns when a pasted log or listing line disagrees with what its text encodes. */
  private checkPasted(s: Stmt): void {
    const p = s.pasted;
    if (!p) return;
    const hex2 = (n: number) => n.toString(16).padStart(2, '0');
    if (p.code !== s.emit.raw.code) {
      this.report(s.line, p, `the pasted line says opcode (${hex2(p.code)}) but this text encodes (${hex2(s.emit.raw.code)})`, 'warning');
      return;
    }
    if (!p.bytes) return;
    const mine = new Uint8Array(p.bytes.length);
    writeRaw(mine, 0, s.emit.raw);
    if (s.emit.next && mine.length >= 16) writeRaw(mine, 1, s.emit.next);
    const show = (b: Uint8Array) => [...b].map(hex2).join(' ');
    if (show(mine) !== show(p.bytes)) {
      this.report(s.line, p, `the pasted bytes are ${show(p.bytes)} but this text encodes ${show(mine)}`, 'warning');
    }
  }

  private build(mapRefs: MapRef[]): Program {
    const bytes = new Uint8Array(this.pc * 8);
    const sourceMap: (SourcePos | undefined)[] = new Array(this.pc).fill(undefined);
    for (const s of this.stmts) {
      writeRaw(bytes, s.pc, s.emit.raw);
      if (s.emit.next) writeRaw(bytes, s.pc + 1, s.emit.next);
      sourceMap[s.pc] = { line: s.line, col: s.span.col, endCol: s.span.end };
    }
    const labels = new Map([...this.labels].map(([k, v]) => [k, v.pc]));
    const { maps, directives } = this.dirs;
    // Decoded on first use: the editor assembles on every keystroke and mostly wants diagnostics.
    let decoded: { insns: Insn[]; pcs: number[] } | undefined;
    const lazy = () => (decoded ??= decodeProgram(bytes));
    return {
      bytes,
      get insns() {
        return lazy().insns;
      },
      get pcs() {
        return lazy().pcs;
      },
      sourceMap,
      labels,
      maps,
      mapRefs,
      directives,
    };
  }
}

/**
 * Takes a pasted listing prefix off a line: `12: (bf) ` (4.8 verifier log) or
 * `12: b7 00 00 00 01 00 00 00 ` (llvm-objdump, 16 bytes for ld_imm64), and says what it claimed.
 */
function stripPasted(toks: Token[]): [Token[], Stmt['pasted']] {
  if (toks.length < 3 || toks[0].kind !== 'num' || !/^\d+$/.test(toks[0].text) || toks[1].text !== ':') return [toks, undefined];
  const t = toks.slice(2);
  if (t.length >= 3 && t[0].text === '(' && HEX2.test(t[1].text) && t[2].text === ')') {
    return [t.slice(3), { code: parseInt(t[1].text, 16), col: t[0].col, end: t[2].end }];
  }
  let n = 0;
  while (n < t.length && n < 16 && HEX2.test(t[n].text) && (t[n].kind === 'num' || t[n].kind === 'ident')) n++;
  if (n < 8) throw new AsmError('a line cannot start with a number; labels are names (loop:), and pasted log lines look like 12: (bf) r6 = r1', toks[0]);
  const count = n >= 16 && parseInt(t[0].text, 16) === 0x18 ? 16 : 8;
  const bytes = Uint8Array.from(t.slice(0, count).map((x) => parseInt(x.text, 16)));
  return [t.slice(count), { code: bytes[0], bytes, col: t[0].col, end: t[count - 1].end }];
}
