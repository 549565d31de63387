/** Debugger keyboard shortcuts, as in VS Code's debugger; the toolbar's tooltips show them. */

export type Command = 'load' | 'run' | 'continue' | 'step' | 'stepBack' | 'restart' | 'stop' | 'pause';

interface Shortcut {
  key: string;
  shift?: boolean;
  ctrl?: boolean;
  command: Command;
}

const SHORTCUTS: Shortcut[] = [
  { key: 'Enter', ctrl: true, command: 'load' },
  { key: 'F5', command: 'continue' },
  { key: 'F5', ctrl: true, command: 'run' },
  { key: 'F5', shift: true, command: 'stop' },
  { key: 'F5', ctrl: true, shift: true, command: 'restart' },
  { key: 'F6', command: 'pause' },
  { key: 'F10', command: 'step' },
  { key: 'F11', command: 'step' },
  { key: 'F10', shift: true, command: 'stepBack' },
  { key: 'F11', shift: true, command: 'stepBack' },
];

/** The command a key event means, if any. */
export function commandOf(e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): Command | undefined {
  if (e.altKey) return undefined;
  const ctrl = e.ctrlKey || e.metaKey;
  return SHORTCUTS.find((s) => s.key === e.key && !!s.shift === e.shiftKey && !!s.ctrl === ctrl)?.command;
}

/** "F10, F11" for a command's tooltip. */
export function keysOf(c: Command): string {
  return SHORTCUTS.filter((s) => s.command === c)
    .map((s) => `${s.ctrl ? 'Ctrl+' : ''}${s.shift ? 'Shift+' : ''}${s.key}`)
    .join(', ');
}
