/**
 * What the assembler reports: diagnostics with 1-based line and columns (as editors show them),
 * and the result type. `AsmError` is internal: parsers throw it to abandon one line, and the
 * driver turns it into a diagnostic; nothing escapes `assemble()`.
 */
import type { Program } from '../program';

/** One message about the source, pointing at columns col..endCol-1 of a line. */
export interface Diagnostic {
  line: number;
  col: number;
  /** 1-based column just past the text the message is about */
  endCol: number;
  message: string;
  severity: 'error' | 'warning';
}

/** The assembler's answer: a program (perhaps with warnings), or the errors. */
export type AsmResult =
  | { ok: true; program: Program; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** A column span on the current line. */
export interface Span {
  col: number;
  end: number;
}

/** Thrown by parsers to reject the current line with a message at a span. */
export class AsmError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

/** Abandons the current line: `message` points at `span`. */
export function fail(message: string, span: Span): never {
  throw new AsmError(message, span);
}
