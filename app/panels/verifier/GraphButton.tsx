/**
 * Shows the exploration graph pane (maximised on a wide screen; on a phone it is under the log
 * in the same tab). The pane's heavy chunk loads when it is first shown with a walk to draw.
 */
import { actions, selectLayout, store, useApp } from '../../store';
import { toggleMaximized } from '../../ui/layout';
import { useNarrow } from '../../ui/media';

export function GraphButton() {
  const narrow = useNarrow();
  const shown = useApp((s) => selectLayout(s).maximized === 'graph');
  const open = () => {
    const l = selectLayout(store.getState());
    if (narrow) {
      document.querySelector('[data-panel="graph"]')?.scrollIntoView({ block: 'start' });
      return;
    }
    if (l.maximized !== 'graph') actions.setLayout(toggleMaximized(l, 'graph'));
  };
  return (
    <button type="button" className="btn small" aria-pressed={shown} onClick={open} title="The control-flow graph and the verifier's walk over it, in the Exploration graph pane">
      Graph
    </button>
  );
}
