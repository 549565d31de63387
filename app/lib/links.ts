/**
 * Share links in the address bar: a link in the URL fragment is opened when the page loads and
 * whenever the fragment changes; once opened (or once the work moves on from a link the Share
 * button put there) the fragment is taken away, so a reload keeps the user's later edits instead
 * of opening the link again. A bad link stays in the address bar to be looked at; it changed nothing.
 */
import type { Store } from '../store/store';
import type { IoActions } from '../store/io-actions';

const stripHash = (): void => history.replaceState(history.state, '', location.pathname + location.search);

/** The page's URL with `fragment` as its hash. */
export const linkUrl = (fragment: string): string => `${location.origin}${location.pathname}${location.search}#${fragment}`;

/** The link that opens challenge `id` with its starter (never anyone's program). */
export const challengeUrl = (id: string): string => linkUrl(`challenge=${id}`);

const CHALLENGE_LINK = /^#challenge=([a-z0-9-]{1,64})$/;

/** Shows a link the Share button made in the address bar without opening it. */
export const showLink = (fragment: string): void => history.replaceState(history.state, '', `#${fragment}`);

/** Opens links from the address bar; returns the function that stops watching it. */
export function watchLinks(store: Store, io: IoActions): () => void {
  const open = (hash: string) => {
    if (hash.length <= 1) return;
    const challenge = CHALLENGE_LINK.exec(hash);
    if (challenge) void io.openChallengeById(challenge[1]).then((ok) => ok && stripHash());
    else void io.openShared(hash).then((ok) => ok && stripHash());
  };
  const onHash = () => open(location.hash);
  window.addEventListener('hashchange', onHash);
  open(location.hash);
  const unsubscribe = store.subscribe((s, prev) => {
    const edited = s.text !== prev.text || s.progType !== prev.progType || s.engineSettings !== prev.engineSettings || s.input !== prev.input || s.breakpoints !== prev.breakpoints;
    if (edited && s.share && !s.opening) {
      io.setShare(null);
      if (location.hash) stripHash();
    }
  });
  return () => {
    window.removeEventListener('hashchange', onHash);
    unsubscribe();
  };
}
