/**
 * What Tab does in the editor, so that it never traps the keyboard without saying so:
 *
 * - when focus arrives from the keyboard (Tab, Shift+Tab, or the page putting it there), Tab and
 *   Shift+Tab move focus on, until the user types in the editor;
 * - once the user types, or clicks into the text with the pointer, Tab indents;
 * - Ctrl+M (Ctrl+Shift+M on macOS) switches between the two at any time.
 *
 * So someone tabbing through the page passes the editor without re-indenting line 1, and someone
 * editing gets an indenting Tab as soon as they start. The mode is in the store
 * (`tabMovesFocus`): the editor's panel header shows it and what switches it, and the editor's
 * accessible name says it.
 */
import type * as Monaco from 'monaco-editor/editor';

const TAB_TOGGLE_KEYS = 'Ctrl+M';

export function editorLabel(movesFocus: boolean): string {
  return movesFocus
    ? `eBPF assembly source. Tab moves focus until you type; ${TAB_TOGGLE_KEYS} makes Tab indent`
    : `eBPF assembly source. Tab indents; ${TAB_TOGGLE_KEYS} makes Tab move focus`;
}

/** Keys that change the text (so the user is editing, and Tab should indent). */
function edits(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  return e.key.length === 1 || e.key === 'Enter' || e.key === 'Backspace' || e.key === 'Delete';
}

export function installTabMode(
  monaco: typeof Monaco,
  editor: Monaco.editor.IStandaloneCodeEditor,
  onChange: (movesFocus: boolean) => void,
): { dispose(): void } {
  let movesFocus = false;
  const set = (v: boolean) => {
    if (v === movesFocus) return;
    movesFocus = v;
    editor.updateOptions({ tabFocusMode: v, ariaLabel: editorLabel(v) });
    onChange(v);
  };
  set(true);

  const toggle = () => set(!movesFocus);
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, toggle);
  editor.addCommand(monaco.KeyMod.WinCtrl | monaco.KeyMod.Shift | monaco.KeyCode.KeyM, toggle);

  const node = editor.getContainerDomNode();
  let pointer = false;
  // a pointer press focuses the text in the same task; forget it after that
  const onPointer = () => {
    pointer = true;
    setTimeout(() => (pointer = false), 0);
  };
  node.addEventListener('pointerdown', onPointer, true);
  const focus = editor.onDidFocusEditorText(() => {
    set(!pointer);
    pointer = false;
  });
  const typing = editor.onKeyDown((e) => {
    if (movesFocus && edits(e.browserEvent)) set(false);
  });
  return {
    dispose() {
      node.removeEventListener('pointerdown', onPointer, true);
      focus.dispose();
      typing.dispose();
    },
  };
}
