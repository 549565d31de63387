/**
 * Share links (make one, open one) and lessons. Opening checks the link fully before the store
 * changes, so a bad link leaves the user's work as it was (and nothing is written to storage).
 */
import type { ProgTypeInfo, SharedSession } from './deps';
import { bytesHex } from '../lib/format';
import { openingOf } from '../lib/lesson';
import { bytesOf, contentsFromShared, ctxOutsideFields, inputFromShared, toShared } from '../lib/session-io';
import type { Lesson } from '../../src/lessons';
import type { IoContext } from './io-context';
import { loadSignature } from './selectors';

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
    if (s.lesson?.setup.progs?.length || s.lesson?.setup.slots?.length) {
      warning = 'The lesson\'s tail-call programs and map slots are not part of a link.';
    }
    const types = await c.progTypes();
    if (typeof types === 'string') return { error: types };
    const info = types.find((t) => t.type === s.progType);
    if (!info) return { error: `program type ${s.progType} is not one of the kernel's` };
    const shared = toShared(s, info, state);
    if (typeof shared === 'string') return { error: shared };
    const { encodeShare, decodeShare } = await import('../../src/share');
    const fragment = encodeShare(shared);
    if (fragment.length > SHARE_LIMIT) return { error: `the link would be ${fragment.length} characters long; links of at most ${SHARE_LIMIT} open` };
    // never hand out a link that would not open
    const check = decodeShare(fragment, types);
    if (!check.ok) return { error: `the session cannot be shared: ${check.error}` };
    return warning ? { fragment, warning } : { fragment };
  }

  /** Runs the restored program to the link's step. */
  async function replayTo(step: number): Promise<void> {
    const input = await c.runInput();
    if (typeof input === 'string') return base.notify('error', `The link's run input is not valid: ${input}`);
    set({ busy: 'stepping' });
    try {
      const started = await api.debugStart(input);
      if (!started.ok) return base.notify('error', started.error.message);
      const u = await api.seek(step);
      if (u.ok) base.applyUpdate(u.value);
      else base.notify('error', u.error.message);
    } finally {
      set({ busy: 'idle' });
    }
  }

  /** Restores a decoded session: the store, then a Load with its maps, then the replay to its step. */
  async function restore(x: SharedSession, info: ProgTypeInfo | undefined): Promise<void> {
    await leaveProgram();
    const s = get();
    set({
      ...fresh,
      text: x.source,
      syntax: x.syntax,
      progType: x.progType,
      logLevel: x.load.logLevel as 0 | 1 | 2,
      logSize: x.load.logSize,
      privileged: x.load.privileged,
      // the link sets the world and the run; the time and memory limits stay the user's
      engineSettings: { ...s.engineSettings, ...x.settings },
      input: inputFromShared(info, x.input, s.input),
      breakpoints: [...x.breakpoints],
      lesson: null,
      pendingSetup: { freshWorld: true, contents: contentsFromShared(x.maps) },
      capture: null,
      share: null,
    });
    const ctx = bytesOf(x.input.ctx);
    if (ctx && ctxOutsideFields(info, ctx)) {
      base.notify('error', 'The link sets context bytes outside the fields the input panel holds; they were left out.');
    }
    const ok = await base.load();
    if (ok && x.step > 0) await replayTo(x.step);
  }

  /** Opens link text (a URL fragment); a bad link only shows why, and changes nothing else. */
  async function openShared(fragment: string): Promise<boolean> {
    const { decodeShare } = await import('../../src/share');
    const types = await c.progTypes();
    const r = typeof types === 'string' ? { ok: false as const, error: types } : decodeShare(fragment, types);
    if (!r.ok || typeof types === 'string') {
      base.notify('error', `This share link cannot be opened: ${r.ok ? types : r.error}. Your program is unchanged.`);
      return false;
    }
    set({ opening: true });
    try {
      await restore(r.session, types.find((t) => t.type === r.session.progType));
    } finally {
      set({ opening: false });
    }
    base.notify('info', 'Opened the shared session.');
    return true;
  }

  async function openLesson(l: Lesson): Promise<void> {
    const types = await c.progTypes();
    if (typeof types === 'string') return base.notify('error', types);
    await leaveProgram();
    const o = openingOf(l, get().input, types);
    set({ ...fresh, ...o, capture: null, pendingSetup: { freshWorld: true } });
    if (o.lesson.tracepointFields && l.input?.tracepoint) {
      const r = await api.tracepointRecord({ name: l.input.tracepoint.name, fields: o.lesson.tracepointFields });
      if (r.ok) set({ input: { ...get().input, tpHex: bytesHex(r.value, '') } });
      else base.notify('error', r.error.message);
    }
    void base.assembleNow();
  }

  return { shareFragment, openShared, openLesson };
}
