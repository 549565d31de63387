/**
 * What the two editors share (Monaco and the light editor shown while Monaco loads): the font and
 * line height, so that the hand-over does not move a line, and the assembler's debounce after an
 * edit. No Monaco here: this module is in the first chunk.
 */
import { actions } from '../../store';

export const EDITOR_LOOK = {
  fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
  fontSize: 13,
  lineHeight: 18,
  tabSize: 4,
} as const;

const ASSEMBLE_DELAY_MS = 200;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The text changed in an editor: into the store now, and assembled once typing pauses. */
export function edited(text: string): void {
  actions.setText(text);
  clearTimeout(timer);
  timer = setTimeout(() => void actions.assembleNow(), ASSEMBLE_DELAY_MS);
}
