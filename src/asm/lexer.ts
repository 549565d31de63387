/**
 * Splits one source line into tokens with their columns. Comments end the line: `;`, `#` and
 * `//` (bpflab's choice: LLVM uses `;` to separate statements, but kernel logs, llvm-objdump
 * listings and learners' notes read better with `;` as a comment), and `/* ... *\/` may span
 * lines (the caller carries `inBlock` from line to line). Numbers are lexed greedily
 * (`0a000000`, `4.8.0`) and validated by whoever reads them.
 */
import type { Span } from './diagnostic';

type TokKind = 'ident' | 'num' | 'op' | 'str';

/** One token: its text and the 1-based columns it covers (end is exclusive). */
export interface Token extends Span {
  kind: TokKind;
  text: string;
}

interface LexResult {
  toks: Token[];
  /** still inside a block comment at the end of the line */
  inBlock: boolean;
  /** an unterminated string: where it starts */
  badString?: Span;
  /** a `;` comment: where it starts and its text (LLVM would read it as another statement) */
  semicolon?: { col: number; text: string };
}

/** Longest first, so that `s>>=` wins over `s>` and `<<=` over `<`. */
const OPS = [
  's>>=', '<<=', '>>=', 's>=', 's<=', 's/=', 's%=', 's>', 's<',
  '+=', '-=', '*=', '/=', '|=', '&=', '^=', '%=', '==', '!=', '>=', '<=',
  '=', '>', '<', '&', '(', ')', '[', ']', ',', '+', '-', '*', ':', '/', '%', '|', '^', '!',
];
const OP_START = new Set(OPS.map((o) => o[0]));

const isIdentStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46; // A-Z a-z _ .
const isWord = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Tokenizes `line`; `inBlock` says whether it starts inside a block comment. */
export function lex(line: string, inBlock = false): LexResult {
  const toks: Token[] = [];
  const n = line.length;
  let i = 0;
  if (inBlock) {
    const close = line.indexOf('*/');
    if (close < 0) return { toks, inBlock: true };
    i = close + 2;
  }
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const ch = line[i];
    if (ch === ';') return { toks, inBlock: false, semicolon: { col: i + 1, text: line.slice(i + 1) } };
    if (ch === '#' || (ch === '/' && line[i + 1] === '/')) break;
    if (ch === '/' && line[i + 1] === '*') {
      const close = line.indexOf('*/', i + 2);
      if (close < 0) return { toks, inBlock: true };
      i = close + 2;
      continue;
    }
    const start = i;
    if (ch === '"') {
      const close = line.indexOf('"', i + 1);
      if (close < 0) return { toks, inBlock: false, badString: { col: i + 1, end: n + 1 } };
      toks.push({ kind: 'str', text: line.slice(i + 1, close), col: i + 1, end: close + 2 });
      i = close + 1;
      continue;
    }
    if (isDigit(c)) {
      while (i < n && isWord(line.charCodeAt(i))) i++;
      toks.push({ kind: 'num', text: line.slice(start, i), col: start + 1, end: i + 1 });
      continue;
    }
    // `s>`, `s<`, `s/=`, `s%=` and friends are operators, not the identifier `s`
    if (ch === 's' && !isWord(line.charCodeAt(i + 1) || 0) && OP_START.has(line[i + 1] ?? '')) {
      const op = matchOp(line, i);
      if (op && op.startsWith('s')) {
        toks.push({ kind: 'op', text: op, col: i + 1, end: i + op.length + 1 });
        i += op.length;
        continue;
      }
    }
    if (isIdentStart(c) || (ch === '%' && isIdentStart(line.charCodeAt(i + 1) || 0))) {
      i++;
      while (i < n && isWord(line.charCodeAt(i))) i++;
      toks.push({ kind: 'ident', text: line.slice(start, i), col: start + 1, end: i + 1 });
      continue;
    }
    const op = matchOp(line, i);
    const text = op ?? ch;
    toks.push({ kind: 'op', text, col: i + 1, end: i + text.length + 1 });
    i += text.length;
  }
  return { toks, inBlock: false };
}

function matchOp(line: string, i: number): string | undefined {
  for (const op of OPS) if (line.startsWith(op, i)) return op;
  return undefined;
}
