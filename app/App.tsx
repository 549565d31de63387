/**
 * The page: a toolbar of fixed height on top, the panes in the middle (columns that resize,
 * collapse and maximise; one group at a time on a phone), the status bar at the bottom (on a
 * phone with the step bar above it), and toasts floating over the panes. Heavy panes load lazily.
 */
import { lazy, Suspense, useEffect } from 'react';
import { Toolbar } from './panels/toolbar/Toolbar';
import { StatusBar } from './panels/toolbar/StatusBar';
import { StepBar } from './panels/toolbar/StepBar';
import { Toasts } from './panels/toolbar/Toasts';
import { RUN } from './panels/toolbar/commands';
import { Layout } from './ui/Layout';
import { PhoneLayout } from './ui/PhoneLayout';
import { Loading } from './ui/Panel';
import { useNarrow } from './ui/media';
import { commandOf } from './ui/shortcuts';
import { Announcer } from './ui/Announcer';
import { actions, io, selectCapture, selectLayout, selectTheme, store, useApp } from './store';
import { LessonBar } from './panels/session/LessonBar';
import { ChallengeBar } from './panels/session/ChallengeBar';
import { ObjectChoice } from './panels/session/ObjectChoice';
import { LinkAsk } from './panels/session/LinkAsk';
import { fileBytes, isElf } from './lib/files';
import { watchLinks } from './lib/links';
import { renderPane } from './panes';

const CapturePanel = lazy(() => import('./panels/session/CapturePanel'));

/** A file dropped on the page: a clang object (ELF) or a packet capture. */
async function onDrop(files: FileList): Promise<void> {
  const f = files[0];
  if (!f) return;
  const bytes = await fileBytes(f);
  if (isElf(bytes)) await io.openObject(f.name, bytes);
  else await io.openCapture(f.name, bytes);
}

export function App() {
  const layout = useApp(selectLayout);
  const theme = useApp(selectTheme);
  const capture = useApp(selectCapture);
  const narrow = useNarrow();
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
      className={narrow ? 'app narrow' : 'app'}
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
      <ChallengeBar />
      <main className="main" aria-label="bpflab">
        {narrow ? (
          <PhoneLayout layout={layout} onChange={actions.setLayout} render={renderPane} />
        ) : (
          <Layout layout={layout} onChange={actions.setLayout} render={renderPane} />
        )}
        <Toasts />
      </main>
      {capture ? (
        <Suspense fallback={<Loading what="the capture" />}>
          <CapturePanel />
        </Suspense>
      ) : null}
      {narrow ? <StepBar /> : null}
      <StatusBar />
      <ObjectChoice />
      <LinkAsk />
      <Announcer />
    </div>
  );
}
