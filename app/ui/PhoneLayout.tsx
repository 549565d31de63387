/**
 * The phone layout: one pane group at a time under a row of tabs (Editor, Log, State, Maps,
 * Terminal); State stacks the registers, the stack and the context in one scrolling column.
 * The tabs follow the ARIA tabs pattern (arrow keys move between them).
 */
import type { KeyboardEvent, ReactNode } from 'react';
import { PHONE_TABS, panesOfTab, type LayoutState, type PanelId, type PhoneTab } from './layout';

interface Props {
  layout: LayoutState;
  onChange: (l: LayoutState) => void;
  render: (id: PanelId) => ReactNode;
}

export function PhoneLayout({ layout, onChange, render }: Props) {
  const tab = layout.phoneTab;
  const select = (t: PhoneTab) => onChange({ ...layout, phoneTab: t });
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = PHONE_TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? PHONE_TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = PHONE_TABS[(next + PHONE_TABS.length) % PHONE_TABS.length];
    select(t.id);
    e.currentTarget.querySelector<HTMLElement>(`#phone-tab-${t.id}`)?.focus();
  };
  const panes = panesOfTab(tab);
  return (
    <div className="phone">
      <div role="tablist" aria-label="Panes" className="phone-tabs" onKeyDown={onKey}>
        {PHONE_TABS.map((t) => (
          <button
            key={t.id}
            id={`phone-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            aria-controls="phone-pane"
            tabIndex={t.id === tab ? 0 : -1}
            onClick={() => select(t.id)}
          >
            {t.title}
          </button>
        ))}
      </div>
      <div id="phone-pane" role="tabpanel" aria-labelledby={`phone-tab-${tab}`} className={panes.length > 1 ? 'phone-pane stacked' : 'phone-pane'}>
        {panes.map((p) => (
          <div key={p} className="cell">
            {render(p)}
          </div>
        ))}
      </div>
    </div>
  );
}
