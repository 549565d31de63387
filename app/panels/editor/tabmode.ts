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
 * accessible name says it. The same rules drive the light editor shown until Monaco has loaded
 * (`LightEditor.tsx`), which hands its mode over with its text.
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

/** Ctrl+M, or Ctrl+Shift+M (macOS's Cmd+M minimises the window). */
export const togglesTabMode = (e: KeyboardEvent): boolean => e.key.toLowerCase() === 'm' && e.ctrlKey && !e.altKey && !e.metaKey;

/** The mode's rules, for any text surface: the caller tells it what happened. */
export interface TabMode {
  readonly movesFocus: boolean;
  set(movesFocus: boolean): void;
  /** focus came into the text: from a pointer press (Tab indents) or not (Tab moves on) */
  focused(byPointer: boolean): void;
  /** a key went down in the text */
  key(e: KeyboardEvent): void;
  toggle(): void;
}

export function tabMode(apply: (movesFocus: boolean) => void): TabMode {
  let movesFocus = false;
  const mode: TabMode = {
    get movesFocus() {
      return movesFocus;
    },
    set(v) {
      if (v === movesFocus) return;
      movesFocus = v;
      apply(v);
    },
    focused: (byPointer) => mode.set(!byPointer),
    key(e) {
      if (movesFocus && edits(e)) mode.set(false);
    },
    toggle: () => mode.set(!movesFocus),
  };
  mode.set(true);
  return mode;
}

/** A flag that is true from a pointer press on `node` until the task it focuses the text in ends. */
export function pointerFlag(node: HTMLElement): { take(): boolean; dispose(): void } {
  let down = false;
  const onPointer = () => {
    down = true;
    setTimeout(() => (down = false), 0);
  };
  node.addEventListener('pointerdown', onPointer, true);
  return {
    take() {
      const d = down;
      down = false;
      return d;
    },
    dispose: () => node.removeEventListener('pointerdown', onPointer, true),
  };
}

export function installTabMode(
  monaco: typeof Monaco,
  editor: Monaco.editor.IStandaloneCodeEditor,
  onChange: (movesFocus: boolean) => void,
): TabMode & { dispose(): void } {
  const mode = tabMode((v) => {
    editor.updateOptions({ tabFocusMode: v, ariaLabel: editorLabel(v) });
    onChange(v);
  });
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, mode.toggle);
  editor.addCommand(monaco.KeyMod.WinCtrl | monaco.KeyMod.Shift | monaco.KeyCode.KeyM, mode.toggle);

  const pointer = pointerFlag(editor.getContainerDomNode());
  const focus = editor.onDidFocusEditorText(() => mode.focused(pointer.take()));
  const typing = editor.onKeyDown((e) => mode.key(e.browserEvent));
  return Object.assign(mode, {
    dispose() {
      pointer.dispose();
      focus.dispose();
      typing.dispose();
    },
  });
}
