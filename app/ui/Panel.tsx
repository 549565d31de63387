import type { ReactNode } from 'react';
import { actions, selectLayout, useApp } from '../store';
import { toggleCollapsed, toggleMaximized, type PanelId } from './layout';
import { useNarrow } from './media';

/** The collapse and maximise buttons of a pane's title bar (wide screens only). */
function PaneButtons({ id, title }: { id: PanelId; title: string }) {
  const layout = useApp(selectLayout);
  const collapsed = layout.collapsed.includes(id);
  const maximized = layout.maximized === id;
  return (
    <div className="pane-buttons">
      {maximized ? null : (
        <button
          type="button"
          className="icon-btn"
          aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${title}`}
          aria-expanded={!collapsed}
          title={collapsed ? 'Expand' : 'Collapse to the title bar'}
          onClick={() => actions.setLayout(toggleCollapsed(layout, id))}
        >
          {collapsed ? '▸' : '▾'}
        </button>
      )}
      <button
        type="button"
        className="icon-btn"
        aria-label={`${maximized ? 'Restore' : 'Maximise'} ${title}`}
        aria-pressed={maximized}
        title={maximized ? 'Restore the layout (or double-click the title)' : 'Maximise (or double-click the title)'}
        onClick={() => actions.setLayout(toggleMaximized(layout, id))}
      >
        {maximized ? '⤡' : '⤢'}
      </button>
    </div>
  );
}

/**
 * A labelled region with a title bar; `tools` go on the right of the title. On a wide screen
 * the title bar also collapses the pane (its body is not rendered, so a lazy pane loads only
 * when first shown) and maximises it; double-clicking the title does the latter.
 */
export function Panel({ title, tools, children, id }: { title: string; tools?: ReactNode; children: ReactNode; id: PanelId }) {
  const headingId = `panel-${id}-title`;
  const layout = useApp(selectLayout);
  const narrow = useNarrow();
  const collapsed = !narrow && layout.collapsed.includes(id);
  return (
    <section className={collapsed ? 'panel collapsed' : 'panel'} aria-labelledby={headingId} data-panel={id}>
      <header className="panel-head" onDoubleClick={narrow ? undefined : (e) => {
        if ((e.target as HTMLElement).closest('button, input, select, label, [role="tab"]')) return;
        actions.setLayout(toggleMaximized(layout, id));
      }}>
        <h2 id={headingId}>{title}</h2>
        {tools && !collapsed ? <div className="panel-tools">{tools}</div> : null}
        {narrow ? null : <PaneButtons id={id} title={title} />}
      </header>
      {collapsed ? null : (
        // focusable so the keyboard can scroll it
        <div className="panel-body" tabIndex={0}>
          {children}
        </div>
      )}
    </section>
  );
}

/** A placeholder while a panel's code loads. */
export function Loading({ what }: { what: string }) {
  return <p className="muted pad">Loading {what}…</p>;
}
