/**
 * What each pane shows. To add a pane: an entry in PANES (app/ui/layout.ts) and its view here;
 * the wide layout, the phone's tabs and persisted layouts pick it up from there. Heavy panes load
 * lazily, and a pane that starts collapsed (the terminal) loads when it is first shown.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { RegistersPanel } from './panels/registers/RegistersPanel';
import { StackPanel } from './panels/stack/StackPanel';
import { VerifierPanel } from './panels/verifier/VerifierPanel';
import { ContextPanel } from './panels/context/ContextPanel';
import { GraphPane } from './panels/graph/GraphPane';
import { Loading, Panel } from './ui/Panel';
import { PANEL_TITLES, type PanelId } from './ui/layout';
import { EditorKeysHint, TerminalKeysHint } from './ui/KeyHints';

const Editor = lazy(() => import('./panels/editor/Editor'));
const Maps = lazy(() => import('./panels/maps/Maps'));
const Terminal = lazy(() => import('./panels/terminal/Terminal'));

/** A pane whose body is a lazily loaded component (the Panel, its title bar, renders at once). */
function lazyPanel(id: PanelId, body: ReactNode, tools?: ReactNode): ReactNode {
  return (
    <Panel id={id} title={PANEL_TITLES[id]} tools={tools}>
      <Suspense fallback={<Loading what={PANEL_TITLES[id]} />}>{body}</Suspense>
    </Panel>
  );
}

const PANE_VIEWS: Record<PanelId, () => ReactNode> = {
  editor: () => lazyPanel('editor', <Editor />, <EditorKeysHint />),
  verifier: () => <VerifierPanel />,
  graph: () => (
    <Panel id="graph" title={PANEL_TITLES.graph}>
      <GraphPane />
    </Panel>
  ),
  registers: () => <RegistersPanel />,
  stack: () => <StackPanel />,
  context: () => <ContextPanel />,
  maps: () => lazyPanel('maps', <Maps />),
  terminal: () => lazyPanel('terminal', <Terminal />, <TerminalKeysHint />),
};

export const renderPane = (id: PanelId): ReactNode => PANE_VIEWS[id]();
