/**
 * The store's actions for what comes from and goes to the outside: share links (make one, open
 * one), lessons, clang objects, packet captures and exports (share-actions.ts, link-actions.ts,
 * file-actions.ts), graded challenges (challenge-actions.ts).
 * Opening anything checks it fully before the store changes, so a bad link or a malformed file
 * leaves the user's work as it was (and nothing is written to storage). Files and the URL are the
 * components' business: these take bytes and fragment text.
 */
import type { Actions, EnginePort } from './actions';
import { makeContext } from './context';
import { makeIoContext } from './io-context';
import { makeShareActions } from './share-actions';
import { makeLinkActions } from './link-actions';
import { makeFileActions } from './file-actions';
import { makeChallengeActions } from './challenge-actions';
import type { Store } from './store';
import type { State } from './state';

export type IoActions = ReturnType<typeof makeIoActions>;

export function makeIoActions(store: Store, port: EnginePort, base: Actions) {
  const c = makeIoContext(makeContext(store, port, base), base);
  const set = c.set;
  return {
    ...makeShareActions(c),
    ...makeLinkActions(c),
    ...makeFileActions(c),
    ...makeChallengeActions(c),
    setShare: (share: State['share']) => set({ share }),
    closeLesson: () => set({ lesson: null }),
    closeCapture: () => set({ capture: null }),
    closeExport: () => set({ exported: null }),
  };
}
