/**
 * Notices as toasts above the status bar: they leave by themselves (information after a few
 * seconds, errors after longer), wait while the pointer or focus is on them, and can be
 * dismissed (Dismiss, or Escape while focus is on one). They float over the panes, so they never
 * push anything. They are not live regions: the page's one polite live region
 * (app/ui/Announcer.tsx) says each notice once. A toast dismissed from the keyboard hands focus to
 * the next toast, or back to where focus was before it came to the toasts.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { actions, selectNotices, useApp, type Notice } from '../../store';
import { focusFirst } from '../../ui/focus';

/** How long a toast stays, in milliseconds. */
const TOAST_MS = { info: 6000, error: 15000 } as const;

/** Dismisses toast `id`; if focus was in it, focus goes to another toast or back where it came from. */
function dismiss(id: number, box: HTMLElement | null, cameFrom: RefObject<Element | null>): void {
  const had = !!box && box.contains(document.activeElement);
  const others = box?.parentElement ? [...box.parentElement.querySelectorAll<HTMLElement>('.toast')].filter((t) => t !== box) : [];
  actions.dismiss(id);
  if (!had) return;
  const next = others.at(-1)?.querySelector<HTMLElement>('button');
  // the toolbar's Tab stop stands in when the control focus came from is gone
  focusFirst(next, cameFrom.current, document.querySelector('[role="toolbar"] [tabindex="0"]'));
}

function Toast({ n, cameFrom }: { n: Notice; cameFrom: RefObject<Element | null> }) {
  const box = useRef<HTMLDivElement>(null);
  const [held, setHeld] = useState(false);
  const left = useRef<number>(TOAST_MS[n.kind]);
  useEffect(() => {
    if (held) return;
    const started = Date.now();
    const t = setTimeout(() => actions.dismiss(n.id), left.current);
    return () => {
      clearTimeout(t);
      left.current = Math.max(1000, left.current - (Date.now() - started));
    };
  }, [held, n.id]);
  return (
    <div
      ref={box}
      className={`toast ${n.kind}`}
      data-notice={n.id}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        dismiss(n.id, box.current, cameFrom);
      }}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span className="toast-text">{n.text}</span>
      <button type="button" className="link" aria-label="Dismiss" onClick={() => dismiss(n.id, box.current, cameFrom)}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const notices = useApp(selectNotices);
  // where focus was before it came to the toasts
  const cameFrom = useRef<Element | null>(null);
  return (
    <div
      className="toasts"
      onFocus={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) cameFrom.current = e.relatedTarget;
      }}
    >
      {notices.map((n) => (
        <Toast key={n.id} n={n} cameFrom={cameFrom} />
      ))}
    </div>
  );
}
