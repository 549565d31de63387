/**
 * Opens the exploration graph (its chunk, with elkjs and @xyflow/react, loads on first use) in a
 * large dialog over the page.
 */
import { lazy, Suspense, useState } from 'react';
import { Modal } from '../../ui/Modal';
import { Loading } from '../../ui/Panel';

const ExplorationGraph = lazy(() => import('../graph/ExplorationGraph'));

export function GraphButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn small" aria-haspopup="dialog" onClick={() => setOpen(true)} title="The control-flow graph and the verifier's walk over it">
        Graph
      </button>
      {open ? (
        <Modal label="Exploration graph" onClose={() => setOpen(false)} className="dialog graph-dialog">
          <div className="dialog-head">
            <h2>Exploration graph</h2>
            <button type="button" className="btn small" aria-label="Close the graph" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          <Suspense fallback={<Loading what="the graph" />}>
            <ExplorationGraph />
          </Suspense>
        </Modal>
      ) : null}
    </>
  );
}
