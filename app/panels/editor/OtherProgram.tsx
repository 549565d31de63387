/**
 * A program of the loaded setup beside the one being edited (a tail-call target of a lesson, an
 * object or a link), read-only in its own editor tab: its text, and while a run stands in it the
 * current instruction with the verifier's register types inline and the last one executed.
 */
import { useEffect, useState } from 'react';
import MonacoEditor from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor/editor';
import { LANGUAGE_ID } from '../../monaco/language';
import type { OtherProgramView } from '../../store/deps';
import { selectTheme, store, useApp, type State } from '../../store';
import { LAST_LINE, pcOverlay, type Overlay } from './decorations';
import { MONACO_OPTIONS } from './look';

/** The overlays of `prog` in state `s`: the current and the last instruction when the run is in it. */
function overlays(s: State, prog: OtherProgramView): Overlay[] {
  const snap = s.snap;
  if (!snap || snap.progId !== prog.progId) return [];
  const out: Overlay[] = [];
  const last = snap.last ? prog.program.lines[snap.last.pcBefore] : null;
  if (last) out.push({ line: last, options: LAST_LINE });
  const line = prog.program.lines[snap.pc];
  if (line) out.push(pcOverlay(line, snap.pc, prog.analysis, snap.state === 'faulted' ? 'fault-line' : 'pc-line'));
  return out;
}

export function OtherProgram({ monaco, prog }: { monaco: typeof Monaco; prog: OtherProgramView }) {
  const theme = useApp(selectTheme);
  const [ed, setEd] = useState<Monaco.editor.IStandaloneCodeEditor | null>(null);
  useEffect(() => {
    if (!ed) return;
    const collection = ed.createDecorationsCollection();
    const apply = (s: State) => {
      const model = ed.getModel();
      if (!model) return;
      const n = model.getLineCount();
      const shown = overlays(s, prog).filter((o) => o.line >= 1 && o.line <= n);
      collection.set(shown.map((o) => ({ range: new monaco.Range(o.line, 1, o.line, model.getLineMaxColumn(o.line)), options: o.options })));
      const pc = shown.find((o) => o.options !== LAST_LINE);
      if (pc) ed.revealLineInCenterIfOutsideViewport(pc.line);
    };
    apply(store.getState());
    const unsub = store.subscribe((s, prev) => {
      if (s.snap !== prev.snap) apply(s);
    });
    return () => {
      unsub();
      collection.clear();
    };
  }, [ed, monaco, prog]);
  return (
    <div className="editor-host" data-program={prog.name} data-ready={ed ? 'true' : 'false'}>
      <MonacoEditor
        language={LANGUAGE_ID}
        path={`bpflab-program-${prog.name}`}
        value={prog.text}
        theme={theme === 'dark' ? 'bpflab-dark' : 'bpflab-light'}
        onMount={setEd}
        loading={<p className="muted pad">Loading the editor…</p>}
        options={{
          ...MONACO_OPTIONS,
          ariaLabel: `eBPF assembly of ${prog.name}, a program of the setup (read-only)`,
          readOnly: true,
        }}
      />
    </div>
  );
}
