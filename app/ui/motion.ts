/**
 * The user's motion preference (prefers-reduced-motion). CSS handles the page's own animations;
 * this is for what JavaScript animates, such as the editor's blinking cursor.
 */

const QUERY = '(prefers-reduced-motion: reduce)';

/** Calls `f` with whether motion should be reduced, now and whenever that changes; returns the unsubscribe. */
export function watchReducedMotion(f: (reduce: boolean) => void): () => void {
  if (typeof matchMedia === 'undefined') return () => undefined;
  const q = matchMedia(QUERY);
  const on = () => f(q.matches);
  on();
  q.addEventListener('change', on);
  return () => q.removeEventListener('change', on);
}
