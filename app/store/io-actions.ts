/**
 * The store's actions for what comes from and goes to the outside: share links (make one, open
 * one), lessons, clang objects, packet captures and exports. Opening anything checks it fully
 * before the store changes, so a bad link or a malformed file leaves the user's work as it was
 * (and nothing is written to storage). Files and the URL are the components' business: these
 * take bytes and fragment text.
 */
import type { CaptureProgress, ExportFormat, ExportResult, ObjectProgramView, SharedSession } from './deps';
import { bytesHex } from '../lib/format';
import { buildRunInput } from '../lib/input';
import { openingOf } from '../lib/lesson';
import { bytesOf, contentsFromShared, ctxOutsideFields, inputFromShared, toShared } from '../lib/session-io';
import type { Lesson } from '../../src/lessons';
import type { Actions, EnginePort } from './actions';
import type { Store } from './store';
import type { State } from './state';
import { loadSignature } from './selectors';

/** The most characters of a link the Share button makes (decodeShare reads up to 128 KiB). */
const SHARE_LIMIT = 128 * 1024;

export type IoActions = ReturnType<typeof makeIoActions>;

export function makeIoActions(store: Store, port: EnginePort, base: Actions) {
  const get = store.getState;
  const set = store.setState;
  const api = port.api;

  /** Ends any run and forgets the load: the editor is about to hold another program. */
  async function leaveProgram(): Promise<void> {
    if (get().busy === 'running' || get().snap) await base.stop();
  }

  const fresh: Partial<State> = { load: null, loadedSig: null, snap: null, maxStep: 0, diagnostics: [], program: null, objectChoice: null };

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
    const shared = toShared(s, state);
    if (typeof shared === 'string') return { error: shared };
    const { encodeShare, decodeShare } = await import('../../src/share');
    const fragment = encodeShare(shared);
    if (fragment.length > SHARE_LIMIT) return { error: `the link would be ${fragment.length} characters long; links of at most ${SHARE_LIMIT} open` };
    // never hand out a link that would not open
    const check = decodeShare(fragment);
    if (!check.ok) return { error: `the session cannot be shared: ${check.error}` };
    return warning ? { fragment, warning } : { fragment };
  }

  /** Runs the restored program to the link's step. */
  async function replayTo(step: number): Promise<void> {
    const s = get();
    const input = buildRunInput(s.progType, s.input);
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
  async function restore(x: SharedSession): Promise<void> {
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
      engineSettings: { ...x.settings },
      input: inputFromShared(x.progType, x.input, s.input),
      breakpoints: [...x.breakpoints],
      lesson: null,
      pendingSetup: { freshWorld: true, contents: contentsFromShared(x.maps) },
      capture: null,
      share: null,
    });
    const ctx = bytesOf(x.input.ctx);
    if (ctx && ctxOutsideFields(x.progType, ctx)) {
      base.notify('error', 'The link sets context bytes outside the fields the input panel holds; they were left out.');
    }
    const ok = await base.load();
    if (ok && x.step > 0) await replayTo(x.step);
  }

  /** Opens link text (a URL fragment); a bad link only shows why, and changes nothing else. */
  async function openShared(fragment: string): Promise<boolean> {
    const { decodeShare } = await import('../../src/share');
    const r = decodeShare(fragment);
    if (!r.ok) {
      base.notify('error', `This share link cannot be opened: ${r.error}. Your program is unchanged.`);
      return false;
    }
    set({ opening: true });
    try {
      await restore(r.session);
    } finally {
      set({ opening: false });
    }
    base.notify('info', 'Opened the shared session.');
    return true;
  }

  async function openLesson(l: Lesson): Promise<void> {
    await leaveProgram();
    const o = openingOf(l, get().input);
    set({ ...fresh, ...o, capture: null, pendingSetup: { freshWorld: true } });
    if (o.lesson.tracepointFields && l.input?.tracepoint) {
      const r = await api.tracepointRecord({ name: l.input.tracepoint.name, fields: o.lesson.tracepointFields });
      if (r.ok) set({ input: { ...get().input, tpHex: bytesHex(r.value, '') } });
      else base.notify('error', r.error.message);
    }
    void base.assembleNow();
  }

  /** Puts one program of an object into the editor. */
  async function takeObjectProgram(file: string, p: ObjectProgramView): Promise<void> {
    await leaveProgram();
    set({ ...fresh, text: p.source, progType: p.progType ?? get().progType, lesson: null, pendingSetup: null, breakpoints: [] });
    base.notify('info', `Opened ${p.description} from ${file}.`);
    void base.assembleNow();
  }

  async function openObject(file: string, bytes: Uint8Array): Promise<boolean> {
    const r = await api.readObject({ bytes, syntax: get().syntax });
    const error = !r.ok ? r.error.message : !r.value.ok ? r.value.error : null;
    if (error !== null || !r.ok || !r.value.ok) {
      base.notify('error', `${file} cannot be opened: ${error}. Your program is unchanged.`);
      return false;
    }
    const programs = r.value.programs;
    if (programs.length === 1) await takeObjectProgram(file, programs[0]);
    else set({ objectChoice: { file, programs } });
    return true;
  }

  async function chooseObjectProgram(index: number | null): Promise<void> {
    const c = get().objectChoice;
    set({ objectChoice: null });
    if (c && index !== null && c.programs[index]) await takeObjectProgram(c.file, c.programs[index]);
  }

  async function runCapture(): Promise<void> {
    const cap = get().capture;
    if (!cap || get().busy !== 'idle') return;
    if (!(await base.ensureLoaded())) return base.notify('error', 'The program did not load, so the capture cannot run through it.');
    const s = get();
    const input = buildRunInput(s.progType, s.input);
    const ctx = typeof input === 'string' ? undefined : input.ctx;
    set({ busy: 'running', snap: null, capture: { ...cap, replay: null, progress: 0, debugged: null } });
    const onProgress = (p: CaptureProgress) => {
      const c = get().capture;
      if (c) set({ capture: { ...c, progress: p.done } });
    };
    const sink = port.progress ? port.progress(onProgress) : onProgress;
    const r = await api.captureRun(ctx ? { ctx } : {}, sink);
    const c = get().capture;
    set({ busy: 'idle', progressStep: null, ...(c ? { capture: { ...c, progress: null, replay: r.ok ? r.value : c.replay } } : {}) });
    if (!r.ok) base.notify('error', r.error.message);
    void base.refreshMaps();
  }

  async function openCapture(file: string, bytes: Uint8Array): Promise<boolean> {
    const r = await api.captureOpen(bytes);
    const error = !r.ok ? r.error.message : !r.value.ok ? r.value.error : null;
    if (error !== null || !r.ok || !r.value.ok) {
      base.notify('error', `${file} cannot be read: ${error}`);
      return false;
    }
    const v = r.value;
    set({ capture: { file, format: v.format, packets: v.packets, warnings: v.warnings, replay: null, progress: null, debugged: null } });
    await runCapture();
    return true;
  }

  /** Starts a debug run (paused before the first instruction) on packet `index` of the capture. */
  async function debugPacket(index: number): Promise<void> {
    if (get().busy !== 'idle') return;
    const r = await api.capturePacket(index);
    if (!r.ok) return base.notify('error', r.error.message);
    await leaveProgram();
    const c = get().capture;
    set({ input: { ...get().input, packetHex: bytesHex(r.value, '') }, ...(c ? { capture: { ...c, debugged: index } } : {}) });
    await base.step();
  }

  async function exportAs(format: ExportFormat): Promise<ExportResult | null> {
    const s = get();
    const input = buildRunInput(s.progType, s.input);
    const setup = s.lesson?.setup;
    const r = await api.exportProgram({
      format,
      text: s.text,
      syntax: s.syntax,
      progType: s.load?.progType ?? s.progType,
      logLevel: s.logLevel,
      logSize: s.logSize,
      privileged: s.privileged,
      ...(typeof input === 'string' ? {} : { input }),
      ...(setup ? { setup } : {}),
    });
    if (!r.ok) {
      base.notify('error', r.error.message);
      return null;
    }
    if (!r.value.ok) {
      base.notify('error', `Export failed: ${r.value.error}`);
      return r.value;
    }
    if (r.value.text !== undefined) set({ exported: { format, filename: r.value.filename, mime: r.value.mime, text: r.value.text } });
    return r.value;
  }

  return {
    shareFragment,
    openShared,
    setShare: (share: State['share']) => set({ share }),
    openLesson,
    closeLesson: () => set({ lesson: null }),
    openObject,
    chooseObjectProgram,
    openCapture,
    runCapture,
    debugPacket,
    closeCapture: () => set({ capture: null }),
    exportAs,
    closeExport: () => set({ exported: null }),
  };
}
