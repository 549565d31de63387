/**
 * Completion that knows where it is, as plain functions of the line before the cursor and the
 * text (no Monaco, so Node tests call them): labels after `goto` and as a ubpf jump's target,
 * helpers after `call`, maps inside `map[...]` and after `ld_map_fd r1,`, mnemonics, registers
 * and the kernel syntax's words at the start of a statement, directives after `.`, program and
 * map types after `.type` and `.map NAME`, access sizes after `*(`. Anywhere else, and inside
 * comments, nothing: a list that opens where nothing fits is a list Enter could wrongly accept.
 */
import { HELPERS, MAP_TYPE_NAMES, MNEMONICS, PROG_TYPE_NAMES, mnemonicDoc } from '../../src/isa';
import type { ProgTypeInfo } from '../../src/protocol';
import { DIRECTIVE_DOCS, KEYWORD_DOCS, REGISTER_DOCS, helperMarkdown, mnemonicMarkdown } from './docs';

export type SuggestionKind = 'mnemonic' | 'keyword' | 'register' | 'helper' | 'map' | 'label' | 'directive' | 'enum' | 'size' | 'property';

interface Suggestion {
  label: string;
  kind: SuggestionKind;
  detail: string;
  /** markdown */
  doc?: string;
  /** text to insert when it differs from the label */
  insert?: string;
}

/** Where the cursor stands, as far as completion cares. */
type Place =
  | 'none'
  | 'statement'
  | 'directive'
  | 'progType'
  | 'mapType'
  | 'mapParam'
  | 'mapName'
  | 'label'
  | 'helper'
  | 'size'
  | 'operand'
  | 'register';

const COMMENT = /(^|[^"])(#|;|\/\/)/;

/** The place of the cursor, from the text of its line before it. */
export function placeOf(before: string): Place {
  if (COMMENT.test(before.replace(/"[^"]*"/g, '""'))) return 'none';
  const b = before.replace(/^\s*[A-Za-z_]\w*:\s*/, ''); // a label in front of a statement
  if (/^\s*\.[A-Za-z_]*$/.test(b)) return 'directive';
  if (/^\s*\.type\s+\w*$/.test(b)) return 'progType';
  if (/^\s*\.map\s+\w+\s+\w*$/.test(b)) return 'mapType';
  if (/^\s*\.map\s+\w+\s+\w+(\s+\w+=\S*)*\s+\w*$/.test(b)) return 'mapParam';
  if (/^\s*\.entry\s+\w*$/.test(b)) return 'mapName';
  if (/^\s*\./.test(b)) return 'none';
  if (/\bmap(_value)?\[\w*$/.test(b) || /^\s*(ld_map_fd|lddw)\s+%?\w+\s*,\s*\w*$/.test(b)) return 'mapName';
  if (/\b(goto|gotol)\s+\w*$/.test(b) || /^\s*ja(32)?\s+\w*$/.test(b) || /^\s*j\w+\s+[^,]+,[^,]+,\s*\w*$/.test(b)) return 'label';
  if (/\bcall\s+(helper\s+)?\w*$/.test(b)) return 'helper';
  if (/\*\s*\(\s*\w*$/.test(b) || /=\s*\(\s*\w*$/.test(b)) return 'size';
  if (/^\s*[A-Za-z_]*$/.test(b)) return 'statement';
  if (/^\s*if\s+%?\w*$/.test(b)) return 'register';
  // an operand: the word being typed follows `=`, `,`, `[`, `(`, an operator, or a mnemonic
  const word = /%?[A-Za-z_]\w*$/.exec(b)?.[0] ?? '';
  const rest = b.slice(0, b.length - word.length);
  const first = /^\s*([a-z_0-9]+)\s+$/.exec(rest)?.[1];
  if (/(=|,|\[|\(|[-+*/&|^<>])\s*$/.test(rest) || (first !== undefined && MNEMONICS.has(first))) return 'operand';
  return 'none';
}

const registers = (): Suggestion[] => [
  ...REGISTER_DOCS.map((d, i): Suggestion => ({ label: `r${i}`, kind: 'register', detail: 'register', doc: d })),
  ...REGISTER_DOCS.slice(0, 10).map((d, i): Suggestion => ({ label: `w${i}`, kind: 'register', detail: 'low 32 bits', doc: `The low 32 bits of ${d}` })),
];

const helpers = (types: readonly ProgTypeInfo[]): Suggestion[] =>
  HELPERS.filter((h) => h.id !== 0).map((h): Suggestion => ({ label: `bpf_${h.name}`, kind: 'helper', detail: `helper ${h.id}`, doc: helperMarkdown(h, types) }));

const STATEMENT_WORDS = ['if', 'goto', 'call', 'exit', 'lock'];

function statements(): Suggestion[] {
  const mnems = [...MNEMONICS.keys()].map((m): Suggestion => {
    const d = mnemonicDoc(m)!;
    return { label: m, kind: 'mnemonic', detail: `${d.operands}${d.since ? ` (${d.since})` : ''}`, doc: mnemonicMarkdown(m) };
  });
  const words = STATEMENT_WORDS.map((w): Suggestion => ({ label: w, kind: 'keyword', detail: 'keyword', doc: KEYWORD_DOCS[w] }));
  return [...words, ...registers(), ...mnems];
}

/** Labels defined in the text (`name:` at the start of a line). */
export function labelsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/^\s*([A-Za-z_]\w*):/gm)].map((m) => m[1]))];
}

/** Maps declared in the text (`.map NAME`). */
function mapsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/^\s*\.map\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]))];
}

const SIZES: [string, string][] = [
  ['u8', '1 byte'],
  ['u16', '2 bytes'],
  ['u32', '4 bytes'],
  ['u64', '8 bytes'],
  ['s8', '1 byte, sign-extended (beyond Linux 4.8)'],
  ['s16', '2 bytes, sign-extended (beyond Linux 4.8)'],
  ['s32', '4 bytes, sign-extended (beyond Linux 4.8)'],
];

/**
 * What to offer at the cursor: `before` is its line up to the cursor, `text` the whole source,
 * `types` the kernel's program types (for which may call a helper).
 */
export function suggestionsAt(before: string, text: string, types: readonly ProgTypeInfo[] = []): Suggestion[] {
  switch (placeOf(before)) {
    case 'none':
      return [];
    case 'directive':
      return Object.keys(DIRECTIVE_DOCS).map((d) => ({ label: d, kind: 'directive', detail: 'directive', doc: DIRECTIVE_DOCS[d] }));
    case 'progType':
      return Object.values(PROG_TYPE_NAMES).slice(1).map((n) => ({ label: n, kind: 'enum', detail: 'program type' }));
    case 'mapType':
      return Object.values(MAP_TYPE_NAMES).slice(1).map((n) => ({ label: n, kind: 'enum', detail: 'map type' }));
    case 'mapParam':
      return ['key=', 'value=', 'entries=', 'flags='].filter((p) => !before.includes(` ${p}`)).map((p) => ({ label: p, kind: 'property', detail: 'map parameter' }));
    case 'mapName':
      return mapsIn(text).map((n) => ({ label: n, kind: 'map', detail: 'map' }));
    case 'label':
      return labelsIn(text).map((n) => ({ label: n, kind: 'label', detail: 'label' }));
    case 'helper':
      return helpers(types);
    case 'size':
      return SIZES.map(([s, d]) => ({ label: s, kind: 'size', detail: d }));
    case 'statement':
      return statements();
    case 'register':
      return registers();
    case 'operand':
      return [
        ...registers(),
        { label: 'map', kind: 'keyword', detail: 'map[NAME]: a map pointer (with ll)', doc: KEYWORD_DOCS.map },
        ...['be16', 'be32', 'be64', 'le16', 'le32', 'le64'].map((w): Suggestion => ({ label: w, kind: 'keyword', detail: 'byte order', doc: KEYWORD_DOCS[w] })),
      ];
  }
}
