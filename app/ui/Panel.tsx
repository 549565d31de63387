import type { ReactNode } from 'react';

/** A labelled region with a title bar; `tools` go on the right of the title. */
export function Panel({ title, tools, children, id }: { title: string; tools?: ReactNode; children: ReactNode; id: string }) {
  const headingId = `panel-${id}-title`;
  return (
    <section className="panel" aria-labelledby={headingId} data-panel={id}>
      <header className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {tools ? <div className="panel-tools">{tools}</div> : null}
      </header>
      {/* focusable so the keyboard can scroll it */}
      <div className="panel-body" tabIndex={0}>
        {children}
      </div>
    </section>
  );
}

/** A placeholder while a panel's code loads. */
export function Loading({ what }: { what: string }) {
  return <p className="muted pad">Loading {what}…</p>;
}
