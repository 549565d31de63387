/**
 * A lesson of the gallery as the IDE opens it: the store's editor, settings and input, and what
 * the loader sets up beside the program (tail-call programs, fd-array slots). Also the lesson as
 * the store keeps it while it is open (persisted, so a reload keeps its setup), and how its
 * expected outcome reads. Type imports only: the lessons' data stays in the lazily loaded gallery.
 */
import { PROG_TYPE_NAMES, ProgType, byName } from '../../src/isa';
import type { Lesson, LessonExpect } from '../../src/lessons';
import { DEFAULT_SETTINGS, type EngineSettings, type LoadSetup, type ProgTypeInfo } from '../../src/protocol';
import { parseHexBytes } from './format';
import { DEFAULT_INPUT, type InputState } from './input';
import { ctxValuesFromBytes } from './session-io';
import { returnsText } from './status';

/** The open lesson as the store keeps it. */
export interface OpenLesson {
  id: string;
  title: string;
  summary: string;
  tryNext: string[];
  expect: LessonExpect;
  /** tail-call programs and fd-array slots, loaded with the program at every Load */
  setup: Pick<LoadSetup, 'progs' | 'slots'>;
  /** the tracepoint fields the input's record was built from, if any */
  tracepointFields?: Record<string, number | string>;
}

/** What opening a lesson puts in the store (the tracepoint record, if it has fields, comes from the engine). */
interface LessonOpening {
  lesson: OpenLesson;
  text: string;
  progType: number;
  privileged: boolean;
  logLevel: 1;
  engineSettings: EngineSettings;
  input: InputState;
  breakpoints: number[];
}

/** The store's fields for a lesson (the packet builder keeps `spec`), given the kernel's program types. */
export function openingOf(l: Lesson, current: InputState, types: readonly ProgTypeInfo[]): LessonOpening {
  const progType = byName(PROG_TYPE_NAMES, l.progType) ?? ProgType.SocketFilter;
  const info = types.find((t) => t.type === progType);
  const i = l.input ?? {};
  const ctx = i.ctx ? parseHexBytes(i.ctx) : undefined;
  const input: InputState = {
    ...DEFAULT_INPUT,
    spec: current.spec,
    packetHex: i.packet ?? current.packetHex,
    ctxValues: ctx && typeof ctx !== 'string' && info ? ctxValuesFromBytes(info, ctx) : {},
    tracepoint: i.tracepoint?.name ?? DEFAULT_INPUT.tracepoint,
    tpHex: '',
    repeat: i.repeat ?? 1,
  };
  const slots = (l.maps ?? []).flatMap((m) => (m.slots ?? []).map((s) => ({ map: m.map, index: s.index, value: s.value })));
  const lesson: OpenLesson = {
    id: l.id,
    title: l.title,
    summary: l.summary,
    tryNext: [...l.tryNext],
    expect: l.expect,
    setup: {
      ...(l.progs?.length ? { progs: l.progs.map((p) => ({ name: p.name, text: p.source })) } : {}),
      ...(slots.length ? { slots } : {}),
    },
    ...(i.tracepoint?.fields ? { tracepointFields: { ...i.tracepoint.fields } } : {}),
  };
  return { lesson, text: l.source, progType, privileged: l.privileged, logLevel: 1, engineSettings: { ...DEFAULT_SETTINGS }, input, breakpoints: [] };
}

/** "The verifier accepts it; a run returns 4294967295 (0xffffffff): keep all 40 bytes." (as the status bar says it). */
export function expectText(e: LessonExpect): string {
  if (!e.load.accepted) return `The verifier refuses it with ${e.load.errno}: "${e.load.lastLine}"`;
  if (!e.run) return 'The verifier accepts it.';
  return `The verifier accepts it; a run ${returnsText(e.run.retval, e.run.verdict)}.`;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A persisted open lesson if it is well formed, else null. */
export function validLesson(x: unknown): OpenLesson | null {
  if (!isObj(x) || typeof x.id !== 'string' || typeof x.title !== 'string' || typeof x.summary !== 'string') return null;
  if (!Array.isArray(x.tryNext) || !x.tryNext.every((t) => typeof t === 'string')) return null;
  if (!isObj(x.expect) || !isObj(x.expect.load) || !isObj(x.setup)) return null;
  return validProgramSet(x.setup) ? (x as unknown as OpenLesson) : null;
}

/** Whether `x` holds well-formed `progs` and `slots` of a load setup (either may be absent). */
export function validProgramSet(x: unknown): x is Pick<LoadSetup, 'progs' | 'slots'> {
  if (!isObj(x)) return false;
  const progs = x.progs;
  if (progs !== undefined && !(Array.isArray(progs) && progs.every((p) => isObj(p) && typeof p.name === 'string' && typeof p.text === 'string'))) return false;
  const slots = x.slots;
  return slots === undefined || (Array.isArray(slots) && slots.every((s) => isObj(s) && typeof s.map === 'string' && Number.isInteger(s.index) && isObj(s.value)));
}
