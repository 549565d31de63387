/** The eBPF assembly language for Monaco: tokens for both syntaxes, comments, brackets, themes. */
import type * as Monaco from 'monaco-editor/editor';
import { MNEMONICS } from '../../src/isa';
import { EDITOR_COLORS, tokenRules } from './colors';

export const LANGUAGE_ID = 'ebpf';

/** Every mnemonic the assembler takes (the same table), longest first. */
const mnemonics = [...MNEMONICS.keys()].sort((a, b) => b.length - a.length).join('|');

export const MONARCH: Monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  ignoreCase: false,
  tokenizer: {
    root: [
      [/(#|;|\/\/).*$/, 'comment'],
      [/^\s*[A-Za-z_]\w*:/, 'type.identifier'],
      [/\.(map|entry|type|license|kern_version|name|raw)\b/, 'keyword.directive'],
      [/%?\b[rw](10|[0-9])\b/, 'variable.register'],
      [/%r(10|[0-9])\b/, 'variable.register'],
      [/\b(if|goto|gotol|call|callx|exit|lock|fetch|ll|map|map_value|skb|be16|be32|be64|le16|le32|le64|bswap16|bswap32|bswap64)\b/, 'keyword'],
      [/\b(u8|u16|u32|u64|s8|s16|s32|s64)\b/, 'type'],
      [/\bbpf_\w+\b/, 'support.function'],
      [new RegExp(`\\b(${mnemonics})\\b`), 'keyword.mnemonic'],
      [/[-+]?0x[0-9a-fA-F]+\b/, 'number.hex'],
      [/[-+]?\d+\b/, 'number'],
      [/"[^"]*"/, 'string'],
      [/s?[=+\-*/<>!&|^%]+/, 'operator'],
      [/[()[\],]/, 'delimiter'],
      [/[A-Za-z_]\w*/, 'identifier'],
    ],
  },
};

const CONFIG: Monaco.languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['(', ')'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '(', close: ')' },
    { open: '[', close: ']' },
    { open: '"', close: '"' },
  ],
  wordPattern: /(-?0x[0-9a-fA-F]+)|(-?\d+)|(%?[A-Za-z_.][\w]*)/,
};

export function registerLanguage(monaco: typeof Monaco): void {
  if (monaco.languages.getLanguages().some((l) => l.id === LANGUAGE_ID)) return;
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.s', '.bpf'], aliases: ['eBPF assembly'] });
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, MONARCH);
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, CONFIG);
  monaco.editor.defineTheme('bpflab-dark', { base: 'vs-dark', inherit: true, rules: tokenRules('dark'), colors: EDITOR_COLORS.dark });
  monaco.editor.defineTheme('bpflab-light', { base: 'vs', inherit: true, rules: tokenRules('light'), colors: EDITOR_COLORS.light });
}
