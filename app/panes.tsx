/**
 * What each pane shows. To add a pane: an entry in PANES (app/ui/layout.ts) and its view here;
 * the wide layout, the phone's tabs and persisted layouts pick it up from there. Heavy panes load
 * lazily, and a pane that starts collapsed (the terminal) loads when it is first shown, never
 * before the first paint. The editor's pane is in the first chunk: a light editor until Monaco
 * has loaded (EditorPane.tsx).
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { RegistersPanel } from './panels/registers/RegistersPanel';
import { StackPanel } from './panels/stack/StackPanel';
import { VerifierPanel } from './panels/verifier/VerifierPanel';
import { ContextPanel } from './panels/context/ContextPanel';
import { GraphPane } from './panels/graph/GraphPane';
import EditorPane from './panels/editor/EditorPane';
import { Loading, Panel } from './ui/Panel';
import { PANEL_TITLES, type PanelId } from './ui/layout';
import { EditorKeysHint, TerminalKeysHint } from './ui/KeyHints';
import { useAfterPaint } from './ui/paint';

const Maps = lazy(() => import('./panels/maps/Maps'));
const Terminal = lazy(() => import('./panels/terminal/Terminal'));

/** Renders `children` only after the first paint (a heavy chunk never delays the first frame). */
function AfterPaint({ children, what }: { children: ReactNode; what: string }) {
  return useAfterPaint() ? children : <Loading what={what} />;
}

/**
 * A pane whose body is a lazily loaded component (the Panel, its title bar, renders at once);
 * `late`: its chunk is asked for only after the first paint.
 */
function lazyPanel(id: PanelId, body: ReactNode, tools?: ReactNode, late = false): ReactNode {
  const loading = <Loading what={PANEL_TITLES[id]} />;
  return (
    <Panel id={id} title={PANEL_TITLES[id]} tools={tools}>
      <Suspense fallback={loading}>{late ? <AfterPaint what={PANEL_TITLES[id]}>{body}</AfterPaint> : body}</Suspense>
    </Panel>
  );
}

const PANE_VIEWS: Record<PanelId, () => ReactNode> = {
  editor: () => (
    <Panel id="editor" title={PANEL_TITLES.editor} tools={<EditorKeysHint />}>
      <EditorPane />
    </Panel>
  ),
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
  terminal: () => lazyPanel('terminal', <Terminal />, <TerminalKeysHint />, true),
};

export const renderPane = (id: PanelId): ReactNode => PANE_VIEWS[id]();
