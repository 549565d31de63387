/**
 * Hovers and completions for eBPF assembly. They read the IDE's state (the assembled program,
 * the run, the verifier's states) through a getter, so they stay current without re-registering.
 */
import type * as Monaco from 'monaco-editor/editor';
import { MAP_TYPE_NAMES, PROG_TYPE_NAMES, helperById, helperByName } from '../../src/isa';
import { statesAt, type AnalysisView, type DebugSnapshot, type ProgTypeInfo, type ProgramView, type VerifierStateView } from '../../src/protocol';
import { hex64, s64 } from '../lib/format';
import { pointerText, typesOf } from '../lib/pointers';
import { DIRECTIVE_DOCS, KEYWORD_DOCS, OPERATOR_DOCS, REGISTER_DOCS, helperMarkdown, mnemonicMarkdown } from './docs';
import { suggestionsAt, type SuggestionKind } from './complete';
import { LANGUAGE_ID } from './language';

export interface EditorContext {
  program: ProgramView | null;
  snap: DebugSnapshot | null;
  analysis: AnalysisView | undefined;
  /** the slot the debugger is at, in the loaded program */
  pc: number | null;
  maps: { id: number; name: string; count: number }[];
  /** the kernel's program types (which offer which helper) */
  progTypes: readonly ProgTypeInfo[];
  /** with no run: the verifier's states before the instructions of a source line, and the visit the panels show */
  verifierAt?: (line: number) => { views: readonly VerifierStateView[]; shown: number | null } | undefined;
}

const md = (value: string): Monaco.IMarkdownString => ({ value });

/** With no run: the register as the verifier saw it before this line's instruction, path by path. */
function verifierLines(ctx: EditorContext, reg: number, lineNumber: number | undefined): string[] {
  const at = lineNumber === undefined || ctx.snap ? undefined : ctx.verifierAt?.(lineNumber);
  if (!at?.views.length) return [];
  const rows = at.views.map((v) => {
    const t = v.regs.find((r) => r.reg === reg)?.type;
    return `- path ${v.path}: \`${t ?? 'not init'}\`${v.order === at.shown ? ' (shown in the panels)' : ''}`;
  });
  const distinct = [...new Set(rows)].slice(0, 8);
  return [`the verifier's view before this instruction (not a run):\n${distinct.join('\n')}${rows.length > distinct.length ? '\n- …' : ''}`];
}

function registerHover(ctx: EditorContext, reg: number, lineNumber?: number): string {
  const parts = [`**r${reg}** — ${REGISTER_DOCS[reg]}`];
  if (ctx.snap) {
    const v = ctx.snap.regs[reg];
    const p = ctx.snap.pointers[reg];
    parts.push(`now: \`${hex64(v)}\` (${s64(v)})${p ? ` → ${pointerText(p)}` : ''}`);
  }
  const t = ctx.pc !== null ? typesOf(statesAt(ctx.analysis, ctx.pc), reg) : '';
  if (t) parts.push(`verifier type here: \`${t}\``);
  parts.push(...verifierLines(ctx, reg, lineNumber));
  return parts.join('\n\n');
}

/** The hover text for a word (and the text of its line, for `call N`; its number, for the verifier's view). */
export function hoverFor(word: string, line: string, ctx: EditorContext, lineNumber?: number): string | undefined {
  const reg = /^%?[rw](10|[0-9])$/.exec(word);
  if (reg) return registerHover(ctx, Number(reg[1]), lineNumber);
  const helper = helperByName(word);
  if (helper && helper.id !== 0 && (word.startsWith('bpf_') || /\bcall\s/.test(line))) return helperMarkdown(helper, ctx.progTypes);
  if (/^\d+$/.test(word) && new RegExp(`\\bcall\\s+${word}\\b`).test(line)) {
    const h = helperById(Number(word));
    if (h) return helperMarkdown(h, ctx.progTypes);
  }
  if (DIRECTIVE_DOCS[word]) return DIRECTIVE_DOCS[word];
  // `be16 r0` (ubpf: the statement's first word) is a mnemonic; `r0 = be16 r0` a keyword
  const mnemonic = mnemonicMarkdown(word);
  const first = new RegExp(`^\\s*([A-Za-z_]\\w*:\\s*)?${word}\\b`).test(line);
  if (mnemonic && (first || !KEYWORD_DOCS[word])) return mnemonic;
  if (KEYWORD_DOCS[word]) return KEYWORD_DOCS[word];
  const decl = ctx.program?.maps.find((m) => m.name === word);
  if (decl) {
    const live = ctx.maps.find((m) => m.name === word);
    return `**map ${word}**: ${MAP_TYPE_NAMES[decl.type] ?? decl.type}, key ${decl.keySize} bytes, value ${decl.valueSize} bytes, ${decl.maxEntries} entries${live ? ` — id ${live.id}, ${live.count} in use` : ''}`;
  }
  if (word !== 'unspec' && Object.values(PROG_TYPE_NAMES).includes(word)) return `Program type ${word} (enum bpf_prog_type).`;
  if (word !== 'unspec' && Object.values(MAP_TYPE_NAMES).includes(word)) return `Map type ${word} (enum bpf_map_type).`;
  return undefined;
}

function operatorAt(line: string, col: number): string | undefined {
  for (const [op, doc] of OPERATOR_DOCS) {
    for (let start = Math.max(0, col - op.length); start <= col; start++) {
      if (line.startsWith(op, start) && col >= start && col < start + op.length) return `\`${op}\` — ${doc}`;
    }
  }
  return undefined;
}

function completions(monaco: typeof Monaco, model: Monaco.editor.ITextModel, pos: Monaco.Position, ctx: EditorContext): Monaco.languages.CompletionItem[] {
  const before = model.getLineContent(pos.lineNumber).slice(0, pos.column - 1);
  const word = model.getWordUntilPosition(pos);
  const K = monaco.languages.CompletionItemKind;
  const KIND: Record<SuggestionKind, Monaco.languages.CompletionItemKind> = {
    mnemonic: K.Keyword,
    keyword: K.Keyword,
    register: K.Variable,
    helper: K.Function,
    map: K.Variable,
    label: K.Reference,
    directive: K.Keyword,
    enum: K.EnumMember,
    size: K.TypeParameter,
    property: K.Property,
  };
  const dot = before.lastIndexOf('.');
  return suggestionsAt(before, model.getValue(), ctx.progTypes).map((x) => {
    // a directive's range starts at its dot (Monaco's words do not include it)
    const start = x.kind === 'directive' && dot >= 0 ? dot + 1 : word.startColumn;
    return {
      label: x.label,
      kind: KIND[x.kind],
      detail: x.detail,
      documentation: x.doc ? md(x.doc) : undefined,
      insertText: x.insert ?? x.label,
      range: new monaco.Range(pos.lineNumber, start, pos.lineNumber, word.endColumn),
    };
  });
}

/** Registers the providers once; `get` is called at each request. */
export function registerProviders(monaco: typeof Monaco, get: () => EditorContext): void {
  monaco.languages.registerHoverProvider(LANGUAGE_ID, {
    provideHover(model, pos) {
      const line = model.getLineContent(pos.lineNumber);
      const w = model.getWordAtPosition(pos);
      let text: string | undefined;
      if (w) {
        const dot = w.startColumn > 1 && line[w.startColumn - 2] === '.' ? '.' : '';
        text = hoverFor(dot + w.word, line, get(), pos.lineNumber);
      }
      text ??= operatorAt(line, pos.column - 1);
      if (!text) return null;
      const range = w ? new monaco.Range(pos.lineNumber, w.startColumn, pos.lineNumber, w.endColumn) : undefined;
      return { contents: [md(text)], range };
    },
  });
  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    triggerCharacters: ['.', '[', '('],
    provideCompletionItems(model, pos) {
      return { suggestions: completions(monaco, model, pos, get()) };
    },
  });
}
