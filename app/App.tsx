/** The page: toolbar, and the panels in a resizable layout. Heavy panels load lazily. */
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Toolbar } from './panels/toolbar/Toolbar';
import { RegistersPanel } from './panels/registers/RegistersPanel';
import { StackPanel } from './panels/stack/StackPanel';
import { VerifierPanel } from './panels/verifier/VerifierPanel';
import { ContextPanel } from './panels/context/ContextPanel';
import { Layout } from './ui/Layout';
import { Loading, Panel } from './ui/Panel';
import { EditorKeysHint, TerminalKeysHint } from './ui/KeyHints';
import { Announcer } from './ui/Announcer';
import { PANEL_TITLES, type PanelId } from './ui/layout';
import { commandOf, type Command } from './ui/shortcuts';
import { actions, io, selectCapture, selectLayout, selectTheme, store, useApp } from './store';
import { LessonBar } from './panels/session/LessonBar';
import { ObjectChoice } from './panels/session/ObjectChoice';
import { fileBytes, isElf } from './lib/files';
import { watchLinks } from './lib/links';

const Editor = lazy(() => import('./panels/editor/Editor'));
const Maps = lazy(() => import('./panels/maps/Maps'));
const Terminal = lazy(() => import('./panels/terminal/Terminal'));
const CapturePanel = lazy(() => import('./panels/session/CapturePanel'));

/** A file dropped on the page: a clang object (ELF) or a packet capture. */
async function onDrop(files: FileList): Promise<void> {
  const f = files[0];
  if (!f) return;
  const bytes = await fileBytes(f);
  if (isElf(bytes)) await io.openObject(f.name, bytes);
  else await io.openCapture(f.name, bytes);
}

const RUN: Record<Command, () => void> = {
  load: () => void actions.load(),
  run: () => void actions.run(),
  continue: () => void actions.continueRun(),
  step: () => void actions.step(),
  stepBack: () => void actions.stepBack(),
  restart: () => void actions.restart(),
  stop: () => void actions.stop(),
  pause: () => void actions.pause(),
};

function lazyPanel(id: PanelId, body: ReactNode, tools?: ReactNode): ReactNode {
  return (
    <Panel id={id} title={PANEL_TITLES[id]} tools={tools}>
      <Suspense fallback={<Loading what={PANEL_TITLES[id]} />}>{body}</Suspense>
    </Panel>
  );
}

function renderPanel(id: PanelId): ReactNode {
  switch (id) {
    case 'editor':
      return lazyPanel(id, <Editor />, <EditorKeysHint />);
    case 'maps':
      return lazyPanel(id, <Maps />);
    case 'terminal':
      return lazyPanel(id, <Terminal />, <TerminalKeysHint />);
    case 'registers':
      return <RegistersPanel />;
    case 'stack':
      return <StackPanel />;
    case 'verifier':
      return <VerifierPanel />;
    case 'context':
      return <ContextPanel />;
  }
}

export function App() {
  const layout = useApp(selectLayout);
  const theme = useApp(selectTheme);
  const capture = useApp(selectCapture);
  useEffect(() => watchLinks(store, io), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const c = commandOf(e);
      // a modal dialog holds the keyboard: the debugger behind it does not take keys
      if (!c || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      e.stopPropagation();
      RUN[c]();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div
      className="app"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        void onDrop(e.dataTransfer.files);
      }}
    >
      <header className="top">
        <h1>bpflab</h1>
        <Toolbar />
      </header>
      <LessonBar />
      <main className="main" aria-label="bpflab">
        <Layout layout={layout} onChange={actions.setLayout} render={renderPanel} />
      </main>
      {capture ? (
        <Suspense fallback={<Loading what="the capture" />}>
          <CapturePanel />
        </Suspense>
      ) : null}
      <ObjectChoice />
      <Announcer />
    </div>
  );
}
