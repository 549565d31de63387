/**
 * What survives a reload (localStorage, versioned): the editor's text and breakpoints, the
 * settings, the run input, map formats, the terminal's command history and the layout. Values
 * read back are checked field by field; anything malformed falls back to its default, so a
 * corrupt entry never breaks the page.
 */
import { DEFAULT_SETTINGS, LIMITS } from './deps';
import type { State } from './state';
import { DEFAULT_INPUT } from '../lib/input';
import { validLayout } from '../ui/layout';
import { validLesson, validProgramSet } from '../lib/lesson';
import { validChallenge, validProgress } from '../lib/challenge';

export const STORAGE_KEY = 'bpflab:state';
const STORAGE_VERSION = 1;

export const PERSISTED = [
  'text', 'syntax', 'breakpoints', 'progType', 'logLevel', 'logSize', 'privileged', 'theme', 'engineSettings', 'input',
  'formats', 'layout', 'history', 'lesson', 'tailSet', 'challenge', 'progress',
] as const satisfies readonly (keyof State)[];

type Persisted = Pick<State, (typeof PERSISTED)[number]>;

export function pickPersisted(s: State): Persisted {
  const out = {} as Record<string, unknown>;
  for (const k of PERSISTED) out[k] = s[k];
  return out as Persisted;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The persisted fields of `raw` that are well formed, over the current state. */
export function mergePersisted(raw: unknown, current: State): State {
  if (!isObj(raw)) return current;
  const s = { ...current };
  if (typeof raw.text === 'string') s.text = raw.text;
  if (raw.syntax === 'auto' || raw.syntax === 'llvm' || raw.syntax === 'ubpf') s.syntax = raw.syntax;
  if (Array.isArray(raw.breakpoints)) s.breakpoints = raw.breakpoints.filter((n): n is number => Number.isInteger(n) && n > 0);
  if (Number.isInteger(raw.progType) && (raw.progType as number) >= 1 && (raw.progType as number) <= 6) s.progType = raw.progType as number;
  if (raw.logLevel === 0 || raw.logLevel === 1 || raw.logLevel === 2) s.logLevel = raw.logLevel;
  if (Number.isInteger(raw.logSize) && (raw.logSize as number) >= 0) s.logSize = raw.logSize as number;
  if (typeof raw.privileged === 'boolean') s.privileged = raw.privileged;
  if (raw.theme === 'light' || raw.theme === 'dark') s.theme = raw.theme;
  if (isObj(raw.engineSettings)) {
    const e = { ...DEFAULT_SETTINGS, ...(raw.engineSettings as object) };
    // the limits protect the engine: a stored value out of range falls back to the default
    const within = (v: unknown, r: { ceiling: number }) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= r.ceiling;
    if (!within(e.timeLimitMs, LIMITS.timeMs)) e.timeLimitMs = DEFAULT_SETTINGS.timeLimitMs;
    if (!within(e.memoryLimitMiB, LIMITS.memoryMiB)) e.memoryLimitMiB = DEFAULT_SETTINGS.memoryLimitMiB;
    s.engineSettings = e;
  }
  if (isObj(raw.input)) {
    const i = raw.input;
    s.input = {
      ...DEFAULT_INPUT,
      ...(typeof i.packetHex === 'string' ? { packetHex: i.packetHex } : {}),
      ...(isObj(i.ctxValues) ? { ctxValues: i.ctxValues as Record<string, string> } : {}),
      ...(typeof i.tpHex === 'string' ? { tpHex: i.tpHex } : {}),
      ...(typeof i.tracepoint === 'string' ? { tracepoint: i.tracepoint } : {}),
      ...(Number.isInteger(i.repeat) ? { repeat: i.repeat as number } : {}),
      ...(isObj(i.spec) ? { spec: { ...DEFAULT_INPUT.spec, ...(i.spec as object) } } : {}),
    };
  }
  if (isObj(raw.formats)) s.formats = raw.formats as State['formats'];
  if (raw.layout !== undefined) s.layout = validLayout(raw.layout);
  if (raw.lesson !== undefined) s.lesson = validLesson(raw.lesson);
  if (raw.tailSet !== undefined) s.tailSet = validProgramSet(raw.tailSet) ? raw.tailSet : null;
  if (raw.challenge !== undefined) s.challenge = validChallenge(raw.challenge);
  if (raw.progress !== undefined) s.progress = validProgress(raw.progress);
  if (Array.isArray(raw.history)) s.history = raw.history.filter((x): x is string => typeof x === 'string').slice(-200);
  return s;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Reads the persisted state (null if absent, unreadable or of another version). */
export function readPersisted(storage: KeyValueStorage): unknown {
  try {
    const text = storage.getItem(STORAGE_KEY);
    if (!text) return null;
    const o = JSON.parse(text) as { version?: number; state?: unknown };
    return o.version === STORAGE_VERSION ? o.state : null;
  } catch {
    return null;
  }
}

export function writePersisted(storage: KeyValueStorage, s: State): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ version: STORAGE_VERSION, state: pickPersisted(s) }));
  } catch {
    // storage full or denied: the page keeps working, only the reload loses the change
  }
}
