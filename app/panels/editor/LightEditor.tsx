/**
 * The editor of the first paint: a plain textarea with line numbers, in Monaco's font, colours
 * and line height, holding the session's text while Monaco (a chunk of several megabytes) loads.
 * It is a real editor: typing goes to the store (so Load and Run take it), Tab follows the same
 * mode as Monaco's (tabmode.ts), F9 sets a breakpoint on the cursor's line, the breakpoints show
 * in its gutter. When Monaco has loaded, `handOver` gives it everything in one task, so no key
 * lands in between: the text as a chain of undo steps (each run of typing, deleting or pasting
 * one step, as the textarea's own undo groups them), the selection, the scroll position, focus
 * and the Tab mode (EditorPane.tsx swaps the two).
 */
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { EDITOR_COLORS } from '../../monaco/colors';
import { actions, lineOfPc, selectCurrentPc, selectTabMovesFocus, selectTheme, store, useApp, type State } from '../../store';
import { EDITOR_LOOK, edited } from './look';
import { editorLabel, pointerFlag, tabMode, togglesTabMode, type TabMode } from './tabmode';

/** What the light editor hands to Monaco. */
export interface LightState {
  /** the texts it held, oldest first, one per undo step; the last is its text now */
  versions: string[];
  selection: { start: number; end: number; backward: boolean };
  scrollTop: number;
  scrollLeft: number;
  focused: boolean;
  tabMovesFocus: boolean;
}

export interface LightHandle {
  /** calls `take` with the editor's state, at once or, if an IME composition is open, when it ends */
  handOver(take: (s: LightState) => void): void;
}

/** Undo steps kept for Monaco (the oldest go first). */
const MAX_VERSIONS = 200;

/**
 * Which undo step an input belongs to: a run of typing, or of one kind of deleting, at the place
 * the last input left the caret is one step; line breaks, pastes and the rest each their own.
 */
function stepKind(inputType: string): string | null {
  if (inputType === 'insertText') return 'type';
  if (inputType.startsWith('delete')) return inputType;
  return null;
}

const lineCount = (text: string): number => text.split('\n').length;
const lineAt = (text: string, offset: number): number => lineCount(text.slice(0, offset));

/** Indents the caret's line to the next tab stop (Tab), or takes up to one stop of spaces off its start (Shift+Tab). */
function indent(t: HTMLTextAreaElement, out: boolean): void {
  const start = t.value.lastIndexOf('\n', t.selectionStart - 1) + 1;
  if (!out) {
    const col = t.selectionStart - start;
    document.execCommand('insertText', false, ' '.repeat(EDITOR_LOOK.tabSize - (col % EDITOR_LOOK.tabSize)));
    return;
  }
  const spaces = /^ */.exec(t.value.slice(start, start + EDITOR_LOOK.tabSize))![0].length;
  if (!spaces) return;
  const [a, b] = [t.selectionStart, t.selectionEnd];
  t.setSelectionRange(start, start + spaces);
  document.execCommand('delete');
  t.setSelectionRange(Math.max(start, a - spaces), Math.max(start, b - spaces));
}

/** Puts the caret at the start of `line` and scrolls it to the middle (a log line clicked, a lesson's step). */
function reveal(t: HTMLTextAreaElement, line: number): void {
  const at = t.value.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  t.setSelectionRange(at, at);
  t.scrollTop = Math.max(0, (line - 1) * EDITOR_LOOK.lineHeight - t.clientHeight / 2);
}

/** The keys the light editor handles itself: Ctrl+M, Tab when it indents, F9. */
function onKey(k: KeyboardEvent, t: HTMLTextAreaElement, m: TabMode): void {
  const plain = !k.ctrlKey && !k.altKey && !k.metaKey;
  if (togglesTabMode(k)) {
    k.preventDefault();
    m.toggle();
  } else if (k.key === 'Tab' && plain && !m.movesFocus) {
    k.preventDefault();
    indent(t, k.shiftKey);
  } else if (k.key === 'F9' && plain && !k.shiftKey) {
    k.preventDefault();
    actions.toggleBreakpoint(lineAt(t.value, t.selectionStart));
  } else {
    m.key(k);
  }
}

/** The undo steps of the light editor's text, as Monaco will take them. */
class Steps {
  readonly versions: string[];
  /** the kind of the step being typed, and where its last input left the caret */
  private kind: string | null = null;
  private at = -1;

  constructor(text: string) {
    this.versions = [text];
  }

  remember(text: string): void {
    const v = this.versions;
    if (v.at(-1) !== text) v.push(text);
    if (v.length > MAX_VERSIONS) v.splice(0, v.length - MAX_VERSIONS);
  }

  /** Before an input: the text before it ends a step unless the input goes on the same run. */
  before(t: HTMLTextAreaElement, inputType: string): void {
    const k = stepKind(inputType);
    if (k === null || k !== this.kind || t.selectionStart !== this.at || t.selectionEnd !== this.at) this.remember(t.value);
    this.kind = k;
  }

  after(t: HTMLTextAreaElement): void {
    this.at = t.selectionStart === t.selectionEnd ? t.selectionEnd : -1;
  }

  /** The text was replaced from outside: a step of its own. */
  replaced(from: string, to: string): void {
    this.remember(from);
    this.remember(to);
    this.kind = null;
    this.at = -1;
  }
}

/** The line of the instruction a run stands at, if it is in the edited program. */
function pcLine(s: State): number | null {
  const pc = selectCurrentPc(s);
  return pc === null ? null : (lineOfPc(s, pc) ?? null);
}

/** Line numbers, the breakpoints as dots and the current instruction as an arrow beside them; scrolled with the text. */
function Gutter({ lines, color, ref }: { lines: number; color: string; ref: Ref<HTMLDivElement> }) {
  const breakpoints = useApp((s) => s.breakpoints);
  const pc = useApp(pcLine);
  return (
    <div className="light-gutter" ref={ref} aria-hidden="true" style={{ color }}>
      <div className="light-gutter-lines" style={{ height: lines * EDITOR_LOOK.lineHeight }}>
        {breakpoints
          .filter((l) => l <= lines)
          .map((l) => (
            <span key={l} className="light-bp bp-glyph" style={{ top: (l - 1) * EDITOR_LOOK.lineHeight }} />
          ))}
        {pc !== null && pc <= lines ? <span className="light-pc pc-glyph" style={{ top: (pc - 1) * EDITOR_LOOK.lineHeight, height: EDITOR_LOOK.lineHeight }} /> : null}
        <pre className="light-numbers">{Array.from({ length: lines }, (_, i) => i + 1).join('\n')}</pre>
      </div>
    </div>
  );
}

export function LightEditor({ ref }: { ref: Ref<LightHandle> }) {
  const theme = useApp(selectTheme);
  const movesFocus = useApp(selectTabMovesFocus);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const [lines, setLines] = useState(() => lineCount(store.getState().text));
  const [steps] = useState(() => new Steps(store.getState().text));
  const composing = useRef<(() => void) | false>(false);
  const mode = useRef<TabMode | null>(null);

  useImperativeHandle(
    ref,
    () => ({
      handOver(take) {
        const go = () => {
          const t = area.current!;
          steps.remember(t.value);
          take({
            versions: [...steps.versions],
            selection: { start: t.selectionStart, end: t.selectionEnd, backward: t.selectionDirection === 'backward' },
            scrollTop: t.scrollTop,
            scrollLeft: t.scrollLeft,
            focused: document.activeElement === t,
            tabMovesFocus: mode.current?.movesFocus ?? true,
          });
        };
        if (composing.current === false) go();
        else composing.current = go;
      },
    }),
    [steps],
  );

  useEffect(() => {
    const t = area.current!;
    mode.current = tabMode((v) => store.setState({ tabMovesFocus: v }));
    const pointer = pointerFlag(t);
    const onFocus = () => mode.current!.focused(pointer.take());
    // the text before an input that starts a new undo step
    const onBeforeInput = (e: InputEvent) => steps.before(t, e.inputType);
    const onInput = () => steps.after(t);
    const onCompositionStart = () => (composing.current = () => undefined);
    const onCompositionEnd = () => {
      const pending = composing.current;
      composing.current = false;
      if (pending) pending();
    };
    t.addEventListener('focus', onFocus);
    t.addEventListener('beforeinput', onBeforeInput);
    t.addEventListener('input', onInput);
    t.addEventListener('compositionstart', onCompositionStart);
    t.addEventListener('compositionend', onCompositionEnd);
    // text put in the store from outside (a lesson, a link, an object): its own undo step
    const unsub = store.subscribe((s, prev) => {
      if (s.reveal !== prev.reveal && s.reveal) reveal(t, s.reveal.line);
      if (s.text === prev.text || s.text === t.value) return;
      steps.replaced(t.value, s.text);
      t.value = s.text;
      // as Monaco does: a new text is shown from its top
      t.setSelectionRange(0, 0);
      t.scrollTop = 0;
      setLines(lineCount(s.text));
    });
    return () => {
      unsub();
      pointer.dispose();
      t.removeEventListener('focus', onFocus);
      t.removeEventListener('beforeinput', onBeforeInput);
      t.removeEventListener('input', onInput);
      t.removeEventListener('compositionstart', onCompositionStart);
      t.removeEventListener('compositionend', onCompositionEnd);
    };
  }, [steps]);

  const colors = EDITOR_COLORS[theme];
  const cursorMoved = () => {
    const t = area.current!;
    actions.setCursorLine(lineAt(t.value, t.selectionStart));
  };
  return (
    <div
      className="light-editor"
      style={{
        background: colors['editor.background'],
        color: colors['editor.foreground'],
        fontFamily: EDITOR_LOOK.fontFamily,
        fontSize: EDITOR_LOOK.fontSize,
        lineHeight: `${EDITOR_LOOK.lineHeight}px`,
      }}
    >
      <Gutter lines={lines} color={colors['editorLineNumber.foreground']} ref={gutter} />
      <textarea
        ref={area}
        className="light-text"
        aria-label={editorLabel(movesFocus)}
        defaultValue={store.getState().text}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        autoCorrect="off"
        wrap="off"
        style={{ tabSize: EDITOR_LOOK.tabSize, caretColor: colors['editor.foreground'] }}
        onChange={(e) => {
          edited(e.currentTarget.value);
          setLines(lineCount(e.currentTarget.value));
        }}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        onSelect={cursorMoved}
        onKeyDown={(e) => onKey(e.nativeEvent, e.currentTarget, mode.current!)}
      />
    </div>
  );
}
