/**
 * The editor panel (loaded lazily with Monaco): eBPF assembly with the assembler's errors as
 * markers while typing, breakpoints in the gutter (click or F9), the current instruction and the
 * verifier's error line highlighted, and the current pc's register types inline.
 */
import { useEffect, useRef, useState } from 'react';
import MonacoEditor from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor/editor';
import { setupMonaco } from '../../monaco/setup';
import { LANGUAGE_ID } from '../../monaco/language';
import type { EditorContext } from '../../monaco/providers';
import { statesAt } from '../../../src/protocol';
import { actions, selectCurrentPc, selectInspected, selectReveal, selectTheme, store, useApp } from '../../store';
import { useDecorations } from './decorations';
import { editorLabel, installTabMode } from './tabmode';
import { watchReducedMotion } from '../../ui/motion';

function editorContext(): EditorContext {
  const s = store.getState();
  return {
    program: s.load?.program ?? s.program,
    snap: s.snap,
    analysis: s.load?.analysis,
    pc: selectCurrentPc(s),
    maps: s.maps.map((m) => ({ id: m.id, name: m.name, count: m.count })),
    progTypes: s.progTypes,
    verifierAt: (line) => {
      const st = store.getState();
      const lines = st.load?.program?.lines;
      const pc = lines?.findIndex((l) => l === line) ?? -1;
      const views = pc >= 0 ? statesAt(st.load?.analysis, pc) : undefined;
      return views ? { views, shown: selectInspected(st)?.visit ?? null } : undefined;
    },
  };
}

const monaco = setupMonaco(editorContext);

const ASSEMBLE_DELAY_MS = 200;

/**
 * Monaco scrolls its content itself and keeps the browser's own scroll position of its
 * scrollable element at 0; when the browser scrolls that element anyway (focusing the hidden
 * input, a scrollIntoView elsewhere on the page), the text slides out of view while the line
 * numbers stay. Put it back whenever that happens.
 */
function pinNativeScroll(e: Monaco.editor.IStandaloneCodeEditor): void {
  const scroller = e.getDomNode()?.querySelector<HTMLElement>('.editor-scrollable');
  if (!scroller) return;
  scroller.addEventListener('scroll', () => {
    if (scroller.scrollLeft !== 0) scroller.scrollLeft = 0;
    if (scroller.scrollTop !== 0) scroller.scrollTop = 0;
  });
}

export default function Editor() {
  const theme = useApp(selectTheme);
  const reveal = useApp(selectReveal);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const [ed, setEd] = useState<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useDecorations(monaco, ed, actions.setBreakpoints);

  useEffect(() => {
    if (!reveal || !editorRef.current) return;
    const e = editorRef.current;
    e.revealLineInCenter(reveal.line);
    e.setSelection(new monaco.Selection(reveal.line, 1, reveal.line, 1));
  }, [reveal]);

  useEffect(() => () => clearTimeout(timer.current), []);

  // text put in the store from outside (a lesson, a share link, an object): into the editor as
  // one edit, so Undo brings the previous text back
  useEffect(() => {
    if (!ed) return;
    const sync = (text: string) => {
      const m = ed.getModel();
      if (!m || text === m.getValue()) return;
      ed.pushUndoStop();
      ed.executeEdits('bpflab', [{ range: m.getFullModelRange(), text }]);
      ed.pushUndoStop();
      ed.setScrollPosition({ scrollTop: 0, scrollLeft: 0 });
    };
    sync(store.getState().text);
    return store.subscribe((s, prev) => {
      if (s.text !== prev.text) sync(s.text);
    });
  }, [ed]);

  const onMount = (e: Monaco.editor.IStandaloneCodeEditor) => {
    editorRef.current = e;
    setEd(e);
    e.onMouseDown((ev) => {
      const t = ev.target.type;
      if (t === monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN || t === monaco.editor.MouseTargetType.GUTTER_LINE_DECORATIONS) {
        if (ev.target.position) actions.toggleBreakpoint(ev.target.position.lineNumber);
      }
    });
    e.onDidChangeCursorPosition((ev) => actions.setCursorLine(ev.position.lineNumber));
    e.addCommand(monaco.KeyCode.F9, () => {
      const p = e.getPosition();
      if (p) actions.toggleBreakpoint(p.lineNumber);
    });
    pinNativeScroll(e);
    installTabMode(monaco, e, (tabMovesFocus) => store.setState({ tabMovesFocus }));
    const unwatch = watchReducedMotion((reduce) => e.updateOptions({ cursorBlinking: reduce ? 'solid' : 'blink' }));
    e.onDidDispose(unwatch);
    void actions.assembleNow();
  };

  const onChange = (value: string | undefined) => {
    actions.setText(value ?? '');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void actions.assembleNow(), ASSEMBLE_DELAY_MS);
  };

  return (
    <div className="editor-host" data-ready={ed ? 'true' : 'false'}>
      <MonacoEditor
        language={LANGUAGE_ID}
        defaultValue={store.getState().text}
        theme={theme === 'dark' ? 'bpflab-dark' : 'bpflab-light'}
        onMount={onMount}
        onChange={onChange}
        loading={<p className="muted pad">Loading the editor…</p>}
        options={{
          ariaLabel: editorLabel(true),
          glyphMargin: true,
          lineNumbersMinChars: 3,
          minimap: { enabled: false },
          fontSize: 13,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          renderLineHighlight: 'line',
          tabSize: 4,
          fixedOverflowWidgets: true,
        }}
      />
    </div>
  );
}
