/**
 * Notices as toasts above the status bar: they leave by themselves (information after a few
 * seconds, errors after longer), wait while the pointer or focus is on them, and can be
 * dismissed. They float over the panes, so they never push anything. They are not live regions:
 * the page's one polite live region (app/ui/Announcer.tsx) says each notice once.
 */
import { useEffect, useRef, useState } from 'react';
import { actions, selectNotices, useApp, type Notice } from '../../store';

/** How long a toast stays, in milliseconds. */
const TOAST_MS = { info: 6000, error: 15000 } as const;

function Toast({ n }: { n: Notice }) {
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
      className={`toast ${n.kind}`}
      data-notice={n.id}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span className="toast-text">{n.text}</span>
      <button type="button" className="link" aria-label="Dismiss" onClick={() => actions.dismiss(n.id)}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const notices = useApp(selectNotices);
  return (
    <div className="toasts">
      {notices.map((n) => (
        <Toast key={n.id} n={n} />
      ))}
    </div>
  );
}
