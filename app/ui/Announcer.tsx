/**
 * The page's one polite live region (visually hidden): what app/ui/announce.ts says about loads,
 * stops, capture replays and the editor's Tab mode. Each announcement is a new node, so the same
 * words said twice in a row (two identical stops) are spoken twice.
 */
import { useEffect, useState } from 'react';
import { store } from '../store';
import { Announcements } from './announce';

export function Announcer() {
  const [said, setSaid] = useState<{ text: string; n: number }>({ text: '', n: 0 });
  useEffect(() => {
    const a = new Announcements(store.getState());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsub = store.subscribe((s) => {
      a.observe(s);
      // once the changes of this task are done (a command passes through short-lived states)
      clearTimeout(timer);
      timer = setTimeout(() => {
        const text = a.settle(store.getState());
        if (text) setSaid((p) => ({ text, n: p.n + 1 }));
      }, 0);
    });
    return () => {
      clearTimeout(timer);
      unsub();
    };
  }, []);
  return (
    <div id="announcer" role="status" aria-live="polite" aria-atomic="true" className="sr-only">
      <span key={said.n}>{said.text}</span>
    </div>
  );
}
