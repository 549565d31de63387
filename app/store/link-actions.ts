/**
 * Opening share links. Opening checks the link fully before the store changes, so a bad link
 * leaves the user's work as it was (and nothing is written to storage); a link that may run more
 * than the defaults asks first, and a link that stopped the page last time opens as text only
 * (docs/limits.md, "Opening a share link").
 */
import { LIMITS, type ProgTypeInfo, type SharedSession } from './deps';
import { bytesOf, contentsFromShared, ctxOutsideFields, inputFromShared, setFromShared } from '../lib/session-io';
import type { IoContext } from './io-context';

/** A link replaying past this step asks first, whatever its budget. */
const FAR_STEP = 100_000;

/** Whether opening a link asks first: it may run more than the default budget, or replays far. */
const asksFirst = (x: SharedSession): boolean =>
  x.settings.budget > LIMITS.steps.default || x.step > FAR_STEP;

/**
 * Told when a link's work starts (its program is about to load) and when it has ended, so the
 * page can keep the link out of the address bar and know, after a crash, which link it was.
 */
export interface LinkGuard {
  begin(): void;
  end(): void;
}

/** Runs the restored program to the link's step. */
async function replayTo(c: IoContext, step: number): Promise<void> {
  const { set, api, base } = c;
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

/**
 * Restores a decoded session: the store, then (unless `how` is 'text') a Load with its maps,
 * then (if 'replay') the replay to its step.
 */
async function restore(
  c: IoContext,
  x: SharedSession,
  info: ProgTypeInfo | undefined,
  how: 'replay' | 'load' | 'text',
): Promise<void> {
  const { get, set, base, leaveProgram, fresh } = c;
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
    tailSet: setFromShared(x),
    pendingSetup: { freshWorld: true, contents: contentsFromShared(x.maps) },
    capture: null,
    share: null,
  });
  const ctx = bytesOf(x.input.ctx);
  if (ctx && ctxOutsideFields(info, ctx)) {
    base.notify(
      'error',
      'The link sets context bytes outside the fields the input panel holds; they were left out.',
    );
  }
  if (how === 'text') return;
  const ok = await base.load();
  if (ok && how === 'replay' && x.step > 0) await replayTo(c, x.step);
}

export function makeLinkActions(c: IoContext) {
  const { set, base } = c;

  /** A link decoded and waiting for the user's answer (see `answerLink`). */
  let asked: { session: SharedSession; info: ProgTypeInfo | undefined; guard?: LinkGuard } | null = null;

  async function openDecoded(
    x: SharedSession,
    info: ProgTypeInfo | undefined,
    how: 'replay' | 'load',
    guard?: LinkGuard,
  ): Promise<void> {
    guard?.begin();
    set({ opening: true });
    try {
      await restore(c, x, info, how);
    } finally {
      set({ opening: false });
      guard?.end();
    }
    base.notify(
      'info',
      how === 'replay' ? 'Opened the shared session.' : 'Opened the shared session without running it.',
    );
  }

  /**
   * Opens link text (a URL fragment); a bad link only shows why, and changes nothing else. A link
   * that asks for more work than the defaults (`asksFirst`) waits for `answerLink`; with
   * `mode: 'text'` (the link stopped the page last time) only its text and settings are restored,
   * nothing is loaded or run. `guard` is told when the work starts and when it has ended.
   */
  async function openShared(
    fragment: string,
    o: { guard?: LinkGuard; mode?: 'ask' | 'text' } = {},
  ): Promise<boolean> {
    const { decodeShare } = await import('../../src/share');
    const types = await c.progTypes();
    const r = typeof types === 'string' ? { ok: false as const, error: types } : decodeShare(fragment, types);
    if (!r.ok || typeof types === 'string') {
      base.notify(
        'error',
        `This share link cannot be opened: ${r.ok ? types : r.error}. Your program is unchanged.`,
      );
      return false;
    }
    const x = r.session;
    const info = types.find((t) => t.type === x.progType);
    if (o.mode === 'text') {
      await restore(c, x, info, 'text');
      base.notify(
        'error',
        'This link stopped the page last time, so it was opened without loading or running it.',
      );
      return true;
    }
    if (asksFirst(x)) {
      asked = { session: x, info, guard: o.guard };
      set({ linkAsk: { budget: x.settings.budget, step: x.step } });
      return true;
    }
    await openDecoded(x, info, 'replay', o.guard);
    return true;
  }

  /** The user's answer to a link that asked first: run it to its step, open it without running, or leave it. */
  async function answerLink(answer: 'replay' | 'load' | null): Promise<void> {
    const a = asked;
    asked = null;
    set({ linkAsk: null });
    if (!a) return;
    if (answer === null) return base.notify('info', 'The link was not opened. Your program is unchanged.');
    await openDecoded(a.session, a.info, answer, a.guard);
  }
  return { openShared, answerLink };
}
