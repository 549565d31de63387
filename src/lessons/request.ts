/**
 * A lesson as the request `bpflab run --json` answers (the kernel oracle's request shape, with
 * bpflab's `source`): the program's text, its tail-call targets, the slots of its maps of
 * file descriptors, how to load it and what to run it on. The lesson test sends exactly this, so
 * a lesson is checked the way the CLI and users run it. Data entries stay in the source's
 * `.entry` lines and are not repeated here.
 */
import { bytesToHex } from '../isa';
import type { Lesson, LessonSlotValue } from './types';

/** One element of a request map: a key and what the slot gets. */
export interface RequestSlotEntry {
  key: string;
  value_prog?: string;
  value_perf_cpu?: number;
  value_cgroup?: string;
}

/** The JSON a lesson is run with (`run --json`). */
interface LessonRequest {
  source: string;
  /** the gallery runs lessons in the IDE's world (a task in /app, cgroups with classids) */
  world: 'ide';
  unprivileged?: boolean;
  progs?: { name: string; source: string }[];
  /** entries for maps the source declares: only their name and the fd-array slots */
  maps?: { name: string; entries: RequestSlotEntry[] }[];
  run?: {
    data?: string;
    ctx?: string;
    repeat?: number;
    tracepoint?: { name: string; fields?: Record<string, number | string> };
  };
}

/** A 32-bit array index as a map key: 4 bytes little-endian, in hex. */
const indexKey = (i: number): string => bytesToHex([i, i >>> 8, i >>> 16, i >>> 24].map((b) => b & 0xff));

/** A slot of an fd array as a request map's element (`value_prog`, and bpflab's `value_perf_cpu` and `value_cgroup`). */
export function slotEntry(index: number, v: LessonSlotValue): RequestSlotEntry {
  const key = indexKey(index);
  if ('prog' in v) return { key, value_prog: v.prog };
  if ('perfCpu' in v) return { key, value_perf_cpu: v.perfCpu };
  return { key, value_cgroup: v.cgroup };
}

/** The `run --json` request that loads and runs `lesson` as the gallery does. */
export function lessonRequest(lesson: Lesson): LessonRequest {
  const req: LessonRequest = { source: lesson.source, world: 'ide' };
  if (!lesson.privileged) req.unprivileged = true;
  if (lesson.progs?.length) req.progs = lesson.progs.map((p) => ({ name: p.name, source: p.source }));
  const slotted = (lesson.maps ?? []).filter((m) => m.slots?.length);
  if (slotted.length) req.maps = slotted.map((m) => ({ name: m.map, entries: m.slots!.map((s) => slotEntry(s.index, s.value)) }));
  const input = lesson.input;
  if (input) {
    const run: NonNullable<LessonRequest['run']> = {};
    if (input.packet !== undefined) run.data = input.packet;
    if (input.ctx !== undefined) run.ctx = input.ctx;
    if (input.repeat !== undefined) run.repeat = input.repeat;
    if (input.tracepoint) run.tracepoint = input.tracepoint;
    req.run = run;
  }
  return req;
}
