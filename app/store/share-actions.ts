/**
 * Making a share link, and opening lessons (opening a link is link-actions.ts).
 */
import { bytesHex } from '../lib/format';
import { openingOf } from '../lib/lesson';
import { toShared } from '../lib/session-io';
import type { Lesson } from '../../src/lessons';
import type { IoContext } from './io-context';
import { loadSignature, programSetOf } from './selectors';

/** The most characters of a link the Share button makes (decodeShare reads up to 128 KiB). */
const SHARE_LIMIT = 128 * 1024;

export function makeShareActions(c: IoContext) {
  const { get, set, api, base, leaveProgram, fresh } = c;

  /** The current session as link text (without '#'), or why it cannot be shared. */
  async function shareFragment(): Promise<{ fragment: string; warning?: string } | { error: string }> {
    const s = get();
    const current = s.load?.ok === true && s.loadedSig === loadSignature(s);
    let warning: string | undefined;
    let state = null;
    if (current) {
      const r = await api.shareState();
      if (!r.ok) return { error: r.error.message };
      state = r.value;
    } else if (s.load) warning = 'The program was edited since it was loaded: the link carries the text, not the run.';
    const info = await c.progTypeInfo(s.progType);
    if (typeof info === 'string') return { error: info };
    const shared = toShared({ ...s, setup: programSetOf(s) }, info, state);
    if (typeof shared === 'string') return { error: shared };
    const { encodeShare, decodeShare } = await import('../../src/share');
    const fragment = encodeShare(shared);
    if (fragment.length > SHARE_LIMIT)
      return {
        error: `the link would be ${fragment.length} characters long; links of at most ${SHARE_LIMIT} open`,
      };
    // never hand out a link that would not open
    const check = decodeShare(fragment, get().progTypes);
    if (!check.ok) return { error: `the session cannot be shared: ${check.error}` };
    return warning ? { fragment, warning } : { fragment };
  }

  async function openLesson(l: Lesson): Promise<void> {
    const types = await c.progTypes();
    if (typeof types === 'string') return base.notify('error', types);
    await leaveProgram();
    const o = openingOf(l, get().input, types);
    set({ ...fresh, ...o, capture: null, pendingSetup: { freshWorld: true } });
    if (o.lesson.tracepointFields && l.input?.tracepoint) {
      const r = await api.tracepointRecord({
        name: l.input.tracepoint.name,
        fields: o.lesson.tracepointFields,
      });
      if (r.ok) set({ input: { ...get().input, tpHex: bytesHex(r.value, '') } });
      else base.notify('error', r.error.message);
    }
    void base.assembleNow();
  }

  return { shareFragment, openLesson };
}
