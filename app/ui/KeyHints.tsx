/**
 * The keys that get out of the two panels that use Tab themselves, shown in their headers so the
 * keyboard is never trapped without a word: the editor (Tab moves focus or indents, Ctrl+M
 * switches; see app/panels/editor/tabmode.ts) and the terminal (Escape, then Tab leaves).
 */
import { selectTabMovesFocus, useApp } from '../store';

export function EditorKeysHint() {
  const moves = useApp(selectTabMovesFocus);
  return (
    <span className="key-hint" data-hint="editor">
      {moves ? 'Tab moves focus (until you type) · Ctrl+M: Tab indents' : 'Tab indents · Ctrl+M: Tab moves focus'}
    </span>
  );
}

export function TerminalKeysHint() {
  return (
    <span className="key-hint" data-hint="terminal">
      Esc then Tab: leave the terminal
    </span>
  );
}
