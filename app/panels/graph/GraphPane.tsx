/**
 * The exploration graph pane. Light on purpose: it says what to do until a load has a verifier's
 * walk to draw, and only then loads the graph's chunk (elkjs, @xyflow/react), so neither the
 * first page nor a pane opened before any Load pays for them.
 */
import { lazy, Suspense } from 'react';
import { selectLoad, useApp } from '../../store';
import { Loading } from '../../ui/Panel';

const ExplorationGraph = lazy(() => import('./ExplorationGraph'));

export function GraphPane() {
  const load = useApp(selectLoad);
  if (load?.stage !== 'load' || load.analysis === undefined) {
    return <p className="muted pad">Load a program (with the verifier on) to see its control-flow graph and how the verifier explored it.</p>;
  }
  return (
    <Suspense fallback={<Loading what="the graph" />}>
      <ExplorationGraph />
    </Suspense>
  );
}
