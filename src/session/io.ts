/**
 * The session's file formats for the IDE: a clang object read into editor text (src/elf), and
 * the editor's program exported as hex slots, raw bytes, LLVM or ubpf text, or a run request
 * for `bpflab run --json` and `bpflab oracle` (src/session/export.ts). A lesson's
 * tail-call programs and fd-array slots go into the request as `progs` and slot entries.
 *
 * Not here: saving files (the IDE does), captures (capture.ts).
 */
import { assemble, escapeText } from '../asm';
import { describeProgram, programSource, readBpfObject } from '../elf';
import { PROG_TYPE_NAMES, slotsToHex } from '../isa';
import type { ExportRequest, ExportResult, ObjectView, ReadObjectRequest, TracepointRecordRequest } from '../protocol';
import { buildRecord, tracepointByName } from '../kernel/progtypes/tracepoint';
import type { World } from '../kernel/types';
import { slotEntry, type RequestSlotEntry } from '../lessons/request';
import { exportBytes, exportHex, exportRequest, exportText, type RunRequest } from './export';

/** The programs of a clang object as editor text in the editor's syntax. */
export function objectView(req: ReadObjectRequest): ObjectView {
  if (!(req?.bytes instanceof Uint8Array)) return { ok: false, error: 'no file was given' };
  const r = readBpfObject(req.bytes);
  if (!r.ok) return { ok: false, error: r.error };
  const syntax = req.syntax === 'ubpf' ? 'ubpf' : 'llvm';
  const o = r.object;
  return {
    ok: true,
    programs: o.programs.map((p) => ({
      // names from the file's bytes: escaped, so a control or bidi character shows as what it is
      section: escapeText(p.section),
      name: escapeText(p.name),
      ...(p.program.directives.progType === undefined ? {} : { progType: p.program.directives.progType }),
      description: escapeText(describeProgram(p)),
      slots: p.program.bytes.length / 8,
      source: programSource(p.program, syntax, [`section ${p.section} of a clang object`, ...(p.warning ? [`warning: ${p.warning}`] : [])]),
      ...(p.warning ? { warning: p.warning } : {}),
    })),
    maps: o.maps.map((m) => m.name),
    ...(o.license === undefined ? {} : { license: o.license }),
    ...(o.kernVersion === undefined ? {} : { kernVersion: o.kernVersion }),
  };
}

/** A tracepoint's raw record as a run builds it from the world and field values; a string says what is wrong. */
export function tracepointRecord(world: World, req: TracepointRecordRequest): Uint8Array | string {
  const def = tracepointByName(String(req?.name));
  if (!def) return `no tracepoint ${JSON.stringify(req?.name)}`;
  return buildRecord(def, world, req.fields ?? {});
}

/** The request plus a lesson's programs and slots (`progs` is in kernel-oracle's format; perf and cgroup slots are bpflab's). */
function withSetup(base: RunRequest, req: ExportRequest, syntax: ExportRequest['syntax']): RunRequest | string {
  const setup = req.setup;
  if (!setup?.progs?.length && !setup?.slots?.length) return base;
  const out = base as RunRequest & { progs?: { name: string; insns: string[]; map_fixups: { insn: number; map: string }[] }[] };
  if (setup.progs?.length) {
    out.progs = [];
    for (const p of setup.progs) {
      const a = assemble(p.text, { syntax: p.syntax ?? syntax });
      if (!a.ok) return `program ${p.name} does not assemble`;
      out.progs.push({ name: p.name, insns: slotsToHex(a.program.bytes), map_fixups: a.program.mapRefs.map((r) => ({ insn: r.pc, map: r.map })) });
    }
  }
  for (const s of setup.slots ?? []) {
    const m = out.maps.find((x) => x.name === s.map);
    if (!m) return `the source declares no map ${s.map} for a slot`;
    (m.entries as RequestSlotEntry[]).push(slotEntry(s.index, s.value));
  }
  return out;
}

const fail = (error: string): ExportResult => ({ ok: false, error });

/** Exports the editor's program (assembled afresh) in one of the Export menu's formats. */
export function exportProgram(req: ExportRequest): ExportResult {
  if (typeof req?.text !== 'string') return fail('nothing to export');
  const a = assemble(req.text, { syntax: req.syntax });
  if (!a.ok) {
    const first = a.diagnostics.find((d) => d.severity === 'error');
    return fail(`the program does not assemble${first ? ` (line ${first.line}: ${first.message})` : ''}`);
  }
  const p = a.program;
  const base = (p.directives.name ?? PROG_TYPE_NAMES[p.directives.progType ?? req.progType] ?? 'prog').replace(/[^A-Za-z0-9_.-]/g, '_');
  switch (req.format) {
    case 'hex':
      return { ok: true, filename: `${base}.hex`, mime: 'text/plain', text: exportHex(p) };
    case 'bytes':
      return { ok: true, filename: `${base}.bin`, mime: 'application/octet-stream', bytes: exportBytes(p) };
    case 'llvm':
    case 'ubpf':
      return { ok: true, filename: `${base}.${req.format === 'llvm' ? 's' : 'ubpf.s'}`, mime: 'text/plain', text: exportText(p, req.format) };
    case 'request': {
      const input = req.input;
      const run = input ? { packet: input.packet, ctx: input.ctx, repeat: input.repeat, tracepoint: input.tracepoint } : undefined;
      const r = exportRequest(p, { progType: req.progType, logLevel: req.logLevel, logSize: req.logSize, privileged: req.privileged, run });
      const full = withSetup(r, req, req.syntax);
      if (typeof full === 'string') return fail(full);
      if (full.run && full.run.repeat === undefined) delete full.run.repeat;
      return { ok: true, filename: `${base}.json`, mime: 'application/json', text: `${JSON.stringify(full, null, 2)}\n` };
    }
    default:
      return fail(`unknown export format ${JSON.stringify(req.format)}`);
  }
}
