/** The page: toolbar, and the panels in a resizable layout. Heavy panels load lazily. */
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Toolbar } from './panels/toolbar/Toolbar';
import { RegistersPanel } from './panels/registers/RegistersPanel';
import { StackPanel } from './panels/stack/StackPanel';
import { VerifierPanel } from './panels/verifier/VerifierPanel';
import { ContextPanel } from './panels/context/ContextPanel';
import { Layout } from './ui/Layout';
import { Loading, Panel } from './ui/Panel';
import { PANEL_TITLES, type PanelId } from './ui/layout';
import { commandOf, type Command } from './ui/shortcuts';
import { actions, selectLayout, selectTheme, useApp } from './store';

const Editor = lazy(() => import('./panels/editor/Editor'));
const Maps = lazy(() => import('./panels/maps/Maps'));
const Terminal = lazy(() => import('./panels/terminal/Terminal'));

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

function lazyPanel(id: PanelId, body: ReactNode): ReactNode {
  return (
    <Panel id={id} title={PANEL_TITLES[id]}>
      <Suspense fallback={<Loading what={PANEL_TITLES[id]} />}>{body}</Suspense>
    </Panel>
  );
}

function renderPanel(id: PanelId): ReactNode {
  switch (id) {
    case 'editor':
      return lazyPanel(id, <Editor />);
    case 'maps':
      return lazyPanel(id, <Maps />);
    case 'terminal':
      return lazyPanel(id, <Terminal />);
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
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const c = commandOf(e);
      if (!c) return;
      e.preventDefault();
      e.stopPropagation();
      RUN[c]();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div className="app">
      <header className="top">
        <h1>bpflab</h1>
        <Toolbar />
      </header>
      <main className="main" aria-label="bpflab">
        <Layout layout={layout} onChange={actions.setLayout} render={renderPanel} />
      </main>
    </div>
  );
}
