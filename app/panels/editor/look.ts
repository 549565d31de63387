/**
 * What the two editors share (Monaco and the light editor shown while Monaco loads): the font and
 * line height, so that the hand-over does not move a line, and the assembler's debounce after an
 * edit; and the Monaco options its two editors (the program's and a read-only one of the set)
 * share. No Monaco here but its types: this module is in the first chunk.
 */
import type * as Monaco from 'monaco-editor/editor';
import { actions } from '../../store';

export const EDITOR_LOOK = {
  fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
  fontSize: 13,
  lineHeight: 18,
  tabSize: 4,
} as const;

export const MONACO_OPTIONS: Monaco.editor.IStandaloneEditorConstructionOptions = {
  glyphMargin: true,
  lineNumbersMinChars: 3,
  minimap: { enabled: false },
  fontFamily: EDITOR_LOOK.fontFamily,
  fontSize: EDITOR_LOOK.fontSize,
  lineHeight: EDITOR_LOOK.lineHeight,
  scrollBeyondLastLine: false,
  automaticLayout: true,
  tabSize: EDITOR_LOOK.tabSize,
  fixedOverflowWidgets: true,
};

const ASSEMBLE_DELAY_MS = 200;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The text changed in an editor: into the store now, and assembled once typing pauses. */
export function edited(text: string): void {
  actions.setText(text);
  clearTimeout(timer);
  timer = setTimeout(() => void actions.assembleNow(), ASSEMBLE_DELAY_MS);
}
