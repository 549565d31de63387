/** The eBPF assembly language for Monaco: tokens for both syntaxes, comments, brackets, themes. */
import type * as Monaco from 'monaco-editor/editor';
import { MNEMONICS } from '../../src/isa';

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

export const CONFIG: Monaco.languages.LanguageConfiguration = {
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

const rules = (dark: boolean): Monaco.editor.ITokenThemeRule[] => [
  { token: 'comment', foreground: dark ? '7f8c98' : '5c6670', fontStyle: 'italic' },
  { token: 'keyword', foreground: dark ? 'c792ea' : '7b30a8' },
  { token: 'keyword.mnemonic', foreground: dark ? 'c792ea' : '7b30a8' },
  { token: 'keyword.directive', foreground: dark ? 'f78c6c' : 'a13d00' },
  { token: 'variable.register', foreground: dark ? '82aaff' : '1f4fb3' },
  { token: 'type', foreground: dark ? 'ffcb6b' : '7a5a00' },
  { token: 'support.function', foreground: dark ? '89ddff' : '00677a' },
  { token: 'number', foreground: dark ? 'f78c6c' : '9a3412' },
  { token: 'number.hex', foreground: dark ? 'f78c6c' : '9a3412' },
  { token: 'string', foreground: dark ? 'c3e88d' : '2f6b12' },
  { token: 'type.identifier', foreground: dark ? 'ffcb6b' : '7a5a00', fontStyle: 'bold' },
];

export function registerLanguage(monaco: typeof Monaco): void {
  if (monaco.languages.getLanguages().some((l) => l.id === LANGUAGE_ID)) return;
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.s', '.bpf'], aliases: ['eBPF assembly'] });
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, MONARCH);
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, CONFIG);
  monaco.editor.defineTheme('bpflab-dark', { base: 'vs-dark', inherit: true, rules: rules(true), colors: { 'editor.background': '#14161a' } });
  monaco.editor.defineTheme('bpflab-light', { base: 'vs', inherit: true, rules: rules(false), colors: {} });
}
