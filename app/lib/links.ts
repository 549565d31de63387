/**
 * Share links in the address bar: a link in the URL fragment is opened when the page loads and
 * whenever the fragment changes. A bad link stays in the address bar to be looked at; it changed
 * nothing. A good one leaves the address bar before its program loads (and once the work moves on
 * from a link the Share button put there), so a reload keeps the user's later edits instead of
 * opening the link again; while it loads and replays it is kept in localStorage (`OPENING_KEY`).
 * If the page dies meanwhile (a link that exhausts the tab), the next page finds it there and
 * opens only its text, with a notice, instead of running it again.
 */
import type { Store } from '../store/store';
import type { IoActions } from '../store/io-actions';
import type { LinkGuard } from '../store/link-actions';

const stripHash = (): void => history.replaceState(history.state, '', location.pathname + location.search);

/** The page's URL with `fragment` as its hash. */
export const linkUrl = (fragment: string): string => `${location.origin}${location.pathname}${location.search}#${fragment}`;

/** The link that opens challenge `id` with its starter (never anyone's program). */
export const challengeUrl = (id: string): string => linkUrl(`challenge=${id}`);

const CHALLENGE_LINK = /^#challenge=([a-z0-9-]{1,64})$/;

/** Shows a link the Share button made in the address bar without opening it. */
export const showLink = (fragment: string): void => history.replaceState(history.state, '', `#${fragment}`);

/** Where the link being opened is kept until its open has ended. */
const OPENING_KEY = 'bpflab.link.opening';

function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null; // storage blocked: links still open, without the crash guard
  }
}

/** The link whose open the last page did not finish (it died), taken out of storage. */
function unfinishedLink(): string | null {
  const s = storage();
  const link = s?.getItem(OPENING_KEY) ?? null;
  if (link !== null) s?.removeItem(OPENING_KEY);
  return link;
}

const guardOf = (fragment: string): LinkGuard => ({
  begin() {
    try {
      storage()?.setItem(OPENING_KEY, fragment);
    } catch {
      // full storage: the link opens unguarded
    }
    stripHash();
  },
  end: () => storage()?.removeItem(OPENING_KEY),
});

/** Opens links from the address bar; returns the function that stops watching it. */
export function watchLinks(store: Store, io: IoActions): () => void {
  const open = (hash: string) => {
    if (hash.length <= 1) return;
    const challenge = CHALLENGE_LINK.exec(hash);
    if (challenge) {
      void io.openChallengeById(challenge[1]).then((ok) => ok && stripHash());
      return;
    }
    const fragment = hash.slice(1);
    void io.openShared(fragment, { guard: guardOf(fragment) });
  };
  const onHash = () => open(location.hash);
  window.addEventListener('hashchange', onHash);
  const crashed = unfinishedLink();
  if (crashed !== null && (location.hash.length <= 1 || location.hash.slice(1) === crashed)) {
    stripHash();
    void io.openShared(crashed, { mode: 'text' });
  } else open(location.hash);
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
