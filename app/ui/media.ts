/**
 * The page's width classes, from CSS media queries, so React renders the layout that fits:
 * a phone (one pane group at a time, a step bar at the bottom) below PHONE_MAX, and on wider
 * screens how much of the toolbar's session tools fit inline.
 */
import { useSyncExternalStore } from 'react';

/** Widest viewport (CSS px) that gets the phone layout. */
const PHONE_MAX = 799;

function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const m = window.matchMedia(query);
      m.addEventListener('change', notify);
      return () => m.removeEventListener('change', notify);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** The phone layout applies. */
export const useNarrow = (): boolean => useMedia(`(max-width: ${PHONE_MAX}px)`);

/** How the toolbar's session tools show: all inline, Open as a menu, or all in one menu. */
export function useToolbarFit(): 'all' | 'open-menu' | 'session-menu' {
  const wide = useMedia('(min-width: 1280px)');
  const medium = useMedia('(min-width: 1180px)');
  return wide ? 'all' : medium ? 'open-menu' : 'session-menu';
}
