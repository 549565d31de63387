/**
 * The editor panel (loaded lazily with Monaco): eBPF assembly with the assembler's errors as
 * markers while typing, breakpoints in the gutter (click or F9), the current instruction and the
 * verifier's error line highlighted, and the current pc's register types inline. It takes over
 * from the light editor of the first paint (`takeOver`, EditorPane.tsx) once it is mounted.
 */
import { useEffect, useRef, useState } from 'react';
import MonacoEditor from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor/editor';
import { setupMonaco } from '../../monaco/setup';
import { LANGUAGE_ID } from '../../monaco/language';
import type { EditorContext } from '../../monaco/providers';
import { statesAt } from '../../../src/protocol';
import { actions, pcsOfLine, selectCurrentPc, selectInspected, selectOthers, selectProgramTab, selectProgTypes, selectReveal, selectTheme, store, useApp } from '../../store';
import { progTypeName } from '../../lib/format';
import { TabList, tabPanelProps } from '../../ui/Tabs';
import { OtherProgram } from './OtherProgram';
import { useDecorations } from './decorations';
import { editorLabel, installTabMode, type TabMode } from './tabmode';
import { watchReducedMotion } from '../../ui/motion';
import { MONACO_OPTIONS, edited } from './look';
import type { LightState } from './LightEditor';

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
      const pc = pcsOfLine(st.load?.program?.lines, line).at(0);
      const views = pc !== undefined ? statesAt(st.load?.analysis, pc) : undefined;
      return views ? { views, shown: selectInspected(st)?.visit ?? null } : undefined;
    },
  };
}

const monaco = setupMonaco(editorContext);

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

/** The minimal edit that turns `from` into `to` (common prefix and suffix kept). */
function diffEdit(model: Monaco.editor.ITextModel, from: string, to: string): Monaco.editor.IIdentifiedSingleEditOperation {
  let p = 0;
  while (p < from.length && p < to.length && from[p] === to[p]) p++;
  let s = 0;
  while (s < from.length - p && s < to.length - p && from[from.length - 1 - s] === to[to.length - 1 - s]) s++;
  return { range: monaco.Range.fromPositions(model.getPositionAt(p), model.getPositionAt(from.length - s)), text: to.slice(p, to.length - s) };
}

/**
 * Takes the light editor's place: its texts as undo steps (Ctrl+Z walks back through what was
 * typed before Monaco came), its selection, scroll position, focus and Tab mode.
 */
function adopt(e: Monaco.editor.IStandaloneCodeEditor, s: LightState, tabs: TabMode): void {
  const model = e.getModel()!;
  model.setValue(s.versions[0]);
  for (const v of s.versions.slice(1)) {
    e.pushUndoStop();
    e.executeEdits('bpflab', [diffEdit(model, model.getValue(), v)]);
  }
  e.pushUndoStop();
  const a = model.getPositionAt(s.selection.start);
  const b = model.getPositionAt(s.selection.end);
  e.setSelection(s.selection.backward ? monaco.Selection.fromPositions(b, a) : monaco.Selection.fromPositions(a, b));
  e.setScrollPosition({ scrollTop: s.scrollTop, scrollLeft: s.scrollLeft }, monaco.editor.ScrollType.Immediate);
  if (s.focused) e.focus();
  tabs.set(s.tabMovesFocus);
}

/**
 * `takeOver(adopt)`: calls `adopt` with the light editor's state, in the task the light editor
 * leaves in (null: it has left already).
 */
type TakeOver = (adopt: (s: LightState | null) => void) => void;

/** The editor's own handlers: breakpoints from the gutter and F9, the cursor's line, Tab's mode, motion. */
function wire(e: Monaco.editor.IStandaloneCodeEditor): TabMode {
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
  const tabs = installTabMode(monaco, e, (tabMovesFocus) => store.setState({ tabMovesFocus }));
  const unwatch = watchReducedMotion((reduce) => e.updateOptions({ cursorBlinking: reduce ? 'solid' : 'blink' }));
  e.onDidDispose(unwatch);
  return tabs;
}

const OPTIONS: Monaco.editor.IStandaloneEditorConstructionOptions = {
  ...MONACO_OPTIONS,
  ariaLabel: editorLabel(true),
  renderLineHighlight: 'line',
  // typing a whole line and Enter never changes what was typed: a list that opened by
  // itself has nothing chosen until the user moves in it (setup.ts: Tab takes the first)
  suggest: { selectionMode: 'never' },
};

export default function Editor({ takeOver }: { takeOver: TakeOver }) {
  const theme = useApp(selectTheme);
  const reveal = useApp(selectReveal);
  const others = useApp(selectOthers);
  const tab = useApp(selectProgramTab);
  const types = useApp(selectProgTypes);
  const mainType = useApp((s) => s.load?.progType);
  const shown = tab === null ? undefined : others.find((o) => o.name === tab);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const [ed, setEd] = useState<Monaco.editor.IStandaloneCodeEditor | null>(null);
  // while the light editor's text goes in, the edits are not the user's
  const adopting = useRef(false);
  useDecorations(monaco, ed, actions.setBreakpoints);

  useEffect(() => {
    if (!reveal || !editorRef.current) return;
    const e = editorRef.current;
    e.revealLineInCenter(reveal.line);
    e.setSelection(new monaco.Selection(reveal.line, 1, reveal.line, 1));
  }, [reveal]);

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
    const tabs = wire(e);
    const ready = () => {
      setEd(e);
      void actions.assembleNow();
    };
    takeOver((s) => {
      if (!s) return ready();
      adopting.current = true;
      try {
        adopt(e, s, tabs);
      } finally {
        adopting.current = false;
      }
      actions.setText(e.getValue());
      ready();
    });
  };

  const onChange = (value: string | undefined) => {
    if (!adopting.current) edited(value ?? '');
  };

  const host = (
    <div className="editor-host" data-ready={ed ? 'true' : 'false'} hidden={shown !== undefined}>
      <MonacoEditor
        language={LANGUAGE_ID}
        defaultValue={store.getState().text}
        theme={theme === 'dark' ? 'bpflab-dark' : 'bpflab-light'}
        onMount={onMount}
        onChange={onChange}
        loading={<p className="muted pad">Loading the editor…</p>}
        options={OPTIONS}
      />
    </div>
  );
  // the setup's other programs (tail-call targets) in tabs beside the one being edited; the same
  // elements with or without them, so the editor is never mounted afresh when they come or go
  const MAIN = ':main';
  const selected = shown ? `p:${shown.name}` : MAIN;
  return (
    <div className="editor-tabs">
      {others.length ? (
        <TabList
          base="program"
          label="Programs"
          tabs={[{ id: MAIN, label: programLabel(store.getState().load?.program?.directives.name) }, ...others.map((o) => ({ id: `p:${o.name}`, label: o.progType === mainType ? o.name : `${o.name} (${progTypeName(types, o.progType)})` }))]}
          selected={selected}
          onSelect={(id) => actions.showProgram(id === MAIN ? null : id.slice(2))}
        />
      ) : null}
      <div className="editor-tab-body" {...(others.length ? tabPanelProps('program', selected) : {})}>
        {host}
        {shown ? <OtherProgram key={shown.name} monaco={monaco} prog={shown} /> : null}
      </div>
    </div>
  );
}

/** The tab of the program being edited: its `.name`, else "main". */
const programLabel = (name: string | undefined): string => (name ? `${name} (edited)` : 'main (edited)');
