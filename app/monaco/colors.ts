/**
 * The editor's colours in both themes, as data: token colours and the editor's own surfaces
 * (background, line numbers, selection, highlighted occurrences). Every token colour keeps a
 * contrast of at least 4.5:1 on every surface and decoration it can be drawn on
 * (test/app/contrast.test.ts checks it, with the decorations' colours from app/styles.css).
 */
import type * as Monaco from 'monaco-editor/editor';

export type Theme = 'dark' | 'light';

/** Token type -> colour (#rrggbb) and style. */
export const TOKEN_COLORS: Record<Theme, Record<string, { color: string; style?: string }>> = {
  dark: {
    '': { color: '#dde3ea' },
    delimiter: { color: '#dde3ea' },
    operator: { color: '#dde3ea' },
    comment: { color: '#96a3b1', style: 'italic' },
    keyword: { color: '#d3a6f0' },
    'keyword.mnemonic': { color: '#d3a6f0' },
    'keyword.directive': { color: '#f9a07f' },
    'variable.register': { color: '#9ab8ff' },
    type: { color: '#ffcb6b' },
    'support.function': { color: '#89ddff' },
    number: { color: '#f9a07f' },
    'number.hex': { color: '#f9a07f' },
    string: { color: '#c3e88d' },
    'type.identifier': { color: '#ffcb6b', style: 'bold' },
  },
  light: {
    '': { color: '#1b1f24' },
    delimiter: { color: '#1b1f24' },
    operator: { color: '#1b1f24' },
    comment: { color: '#535c66', style: 'italic' },
    keyword: { color: '#7b30a8' },
    'keyword.mnemonic': { color: '#7b30a8' },
    'keyword.directive': { color: '#993a00' },
    'variable.register': { color: '#1f4fb3' },
    type: { color: '#6e5100' },
    'support.function': { color: '#005e70' },
    number: { color: '#9a3412' },
    'number.hex': { color: '#9a3412' },
    string: { color: '#2b6310' },
    'type.identifier': { color: '#6e5100', style: 'bold' },
  },
};

/**
 * The editor's surfaces. Monaco's defaults put text on selections and highlighted occurrences
 * with less than 4.5:1 (a comment on vs-dark's selection is about 2.7:1): these keep it.
 */
export const EDITOR_COLORS: Record<Theme, Record<string, string>> = {
  dark: {
    'editor.background': '#14161a',
    'editor.foreground': '#dde3ea',
    'editorLineNumber.foreground': '#8b96a3',
    'editorLineNumber.activeForeground': '#dde3ea',
    'editorLineNumber.dimmedForeground': '#8b96a3',
    'editor.selectionBackground': '#2a3546',
    'editor.inactiveSelectionBackground': '#242a33',
    'editor.wordHighlightBackground': '#262c36',
    'editor.wordHighlightStrongBackground': '#262c36',
    'editor.wordHighlightBorder': '#7a8796',
    'editor.selectionHighlightBackground': '#262c36',
    'editor.findMatchBackground': '#2a3546',
    'editor.findMatchHighlightBackground': '#262c36',
    'editor.findMatchBorder': '#ffcc66',
    'editor.lineHighlightBackground': '#00000000',
    'editor.lineHighlightBorder': '#2c323c',
  },
  light: {
    'editor.background': '#ffffff',
    'editor.foreground': '#1b1f24',
    'editorLineNumber.foreground': '#5f6a76',
    'editorLineNumber.activeForeground': '#1b1f24',
    'editorLineNumber.dimmedForeground': '#5f6a76',
    'editor.selectionBackground': '#dde6f6',
    'editor.inactiveSelectionBackground': '#e8ecf2',
    'editor.wordHighlightBackground': '#eef1f5',
    'editor.wordHighlightStrongBackground': '#eef1f5',
    'editor.wordHighlightBorder': '#8a949f',
    'editor.selectionHighlightBackground': '#eef1f5',
    'editor.findMatchBackground': '#dde6f6',
    'editor.findMatchHighlightBackground': '#eef1f5',
    'editor.findMatchBorder': '#b35c00',
    'editor.lineHighlightBackground': '#ffffff00',
    'editor.lineHighlightBorder': '#e3e7ec',
  },
};

/** The surfaces text is drawn on, besides the background (the test checks every token on each). */
export const TEXT_SURFACES = [
  'editor.selectionBackground',
  'editor.inactiveSelectionBackground',
  'editor.wordHighlightBackground',
  'editor.wordHighlightStrongBackground',
  'editor.selectionHighlightBackground',
  'editor.findMatchBackground',
  'editor.findMatchHighlightBackground',
] as const;

/** Monaco's theme rules (token colours without the '#'). */
export function tokenRules(theme: Theme): Monaco.editor.ITokenThemeRule[] {
  return Object.entries(TOKEN_COLORS[theme]).map(([token, t]) => ({ token, foreground: t.color.slice(1), ...(t.style ? { fontStyle: t.style } : {}) }));
}
