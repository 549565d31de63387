/**
 * Clang objects, packet captures and exports. A malformed file only says why: the user's program
 * is changed only once a file was read in full.
 */
import type { CaptureProgress, ExportFormat, ExportResult, ObjectProgramView, ObjectSetView } from './deps';
import { bytesHex, slotText } from '../lib/format';
import type { IoContext } from './io-context';
import { programSetOf } from './selectors';

export function makeFileActions(io: IoContext) {
  const { get, set, api, port, base, leaveProgram, fresh } = io;

  /** Puts one program of an object into the editor. */
  async function takeObjectProgram(file: string, p: ObjectProgramView): Promise<void> {
    await leaveProgram();
    set({ ...fresh, text: p.source, progType: p.progType ?? get().progType, lesson: null, pendingSetup: null, breakpoints: [] });
    base.notify(p.warning ? 'error' : 'info', `Opened ${p.description} from ${file}.${p.warning ? ` ${p.warning}.` : ''}`);
    void base.assembleNow();
  }

  /** Opens an object's whole tail-call set: its entry program in the editor, the others wired into its prog_arrays. */
  async function takeObjectSet(file: string, programs: readonly ObjectProgramView[], whole: ObjectSetView): Promise<void> {
    const main = programs[whole.main];
    await leaveProgram();
    const tailSet = { progs: whole.progs, slots: whole.slots, ...(whole.entryNote ? { entryNote: whole.entryNote } : {}) };
    set({ ...fresh, text: whole.source, progType: main.progType ?? get().progType, lesson: null, pendingSetup: null, tailSet, breakpoints: [] });
    const inSlots = new Set(whole.slots.map((s) => s.value.prog));
    const unwired = whole.progs.filter((p) => !inSlots.has(p.name)).map((p) => p.name);
    const parts = [...whole.slots.map(slotText), ...(unwired.length ? [`${unwired.join(', ')} beside it in no slot`] : [])];
    const notes = whole.notes.length ? ` ${whole.notes.join('; ')}.` : '';
    base.notify('info', `Opened ${file} whole: ${main.name} in the editor, ${parts.join(', ')}.${notes}`);
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
    else set({ objectChoice: { file, programs, ...(r.value.set ? { set: r.value.set } : {}) } });
    return true;
  }

  /** The user's pick: one program by index, the whole tail-call set ('all'), or none (null). */
  async function chooseObjectProgram(index: number | 'all' | null): Promise<void> {
    const c = get().objectChoice;
    set({ objectChoice: null });
    if (c && index === 'all' && c.set) await takeObjectSet(c.file, c.programs, c.set);
    else if (c && typeof index === 'number' && c.programs[index]) await takeObjectProgram(c.file, c.programs[index]);
  }

  async function runCapture(): Promise<void> {
    const cap = get().capture;
    if (!cap || get().busy !== 'idle') return;
    if (!(await base.ensureLoaded())) return base.notify('error', 'The program did not load, so the capture cannot run through it.');
    const input = await io.runInput();
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
    else if (r.value.limit) base.notify('info', `The replay ${r.value.limit.message}: ${r.value.done} of ${r.value.total} packets ran.`);
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
    const input = await io.runInput();
    const s = get();
    const setup = programSetOf(s);
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

  return { openObject, chooseObjectProgram, openCapture, runCapture, debugPacket, exportAs };
}
