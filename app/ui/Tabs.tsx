/**
 * Tabs as the WAI-ARIA tabs pattern describes: a tablist that is one Tab stop (the selected tab),
 * Left/Right arrows (wrapping), Home and End move to a tab and select it, each tab names the panel
 * it controls, and the panel is labelled by its tab.
 */
import { useRef, type KeyboardEvent } from 'react';
import { arrowMove } from './focus';

export interface TabSpec<T extends string> {
  id: T;
  label: string;
}

const tabId = (base: string, id: string) => `${base}-tab-${id}`;
const panelId = (base: string) => `${base}-panel`;


export function TabList<T extends string>(props: { base: string; label: string; tabs: TabSpec<T>[]; selected: T; onSelect: (id: T) => void }) {
  const { base, label, tabs, selected, onSelect } = props;
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.id === selected);
    const next = arrowMove('horizontal', e.key, at, tabs.length);
    if (next === null) return;
    e.preventDefault();
    onSelect(tabs[next].id);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKey}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={tabId(base, t.id)}
          aria-selected={t.id === selected}
          aria-controls={panelId(base)}
          tabIndex={t.id === selected ? 0 : -1}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The props of the panel the selected tab shows. */
export function tabPanelProps(base: string, selected: string) {
  return { role: 'tabpanel', id: panelId(base), 'aria-labelledby': tabId(base, selected) } as const;
}
