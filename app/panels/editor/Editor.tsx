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
import { actions, selectCurrentPc, selectReveal, selectTheme, store, useApp } from '../../store';
import { useDecorations } from './decorations';

function editorContext(): EditorContext {
  const s = store.getState();
  return {
    program: s.load?.program ?? s.program,
    snap: s.snap,
    analysis: s.load?.analysis,
    pc: selectCurrentPc(s),
    maps: s.maps.map((m) => ({ id: m.id, name: m.name, count: m.count })),
  };
}

const monaco = setupMonaco(editorContext);

const ASSEMBLE_DELAY_MS = 200;

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
          ariaLabel: 'eBPF assembly source (Ctrl+M toggles whether Tab moves focus)',
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
