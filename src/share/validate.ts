/**
 * Checks a decoded value against the shared-session format field by field and builds a fresh
 * session from what it read, so that nothing a link carries beyond the format (unknown keys,
 * `__proto__`, odd prototypes) reaches the IDE. Every refusal names the field and the rule.
 *
 * Not here: whether the program assembles or verifies (opening the link shows that as usual).
 */
import { MAP_TYPE_NAMES, PERCPU_MAP_TYPES, PROG_TYPE_NAMES, isArrayMapType, percpuValueStride } from '../isa';
import type { ProgTypeInfo } from '../protocol/progtypes';
import {
  SHARED_LIMITS as L,
  SHARED_SESSION_VERSION,
  type SharedEngineSettings,
  type SharedInput,
  type SharedLoadSettings,
  type SharedMap,
  type SharedMapEntry,
  type SharedProgram,
  type SharedSession,
  type SharedSlot,
  type SharedSyntax,
} from '../protocol/shared';

/** A refusal: the dotted path of the field and what is wrong with it. */
class Invalid {
  constructor(readonly message: string) {}
}

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new Invalid(`${path}: ${what}`);
}

function object(v: unknown, path: string, keys: readonly string[], optional: readonly string[] = []): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  const o = v as Obj;
  for (const k of Object.keys(o)) {
    if (!keys.includes(k) && !optional.includes(k)) fail(path, `unknown field ${JSON.stringify(k.slice(0, 40))}`);
  }
  for (const k of keys) if (!Object.hasOwn(o, k)) fail(path, `missing field "${k}"`);
  return o;
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'must be an integer');
  if (v < min || v > max) fail(path, `must be from ${min} to ${max} (got ${v})`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'must be true or false');
  return v;
}

function array(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be a list');
  if (v.length > max) fail(path, `has ${v.length} items, at most ${max} are allowed`);
  return v;
}

// C0 controls other than tab, LF and CR; DEL; C1 controls; bidi embeddings, overrides and
// isolates, which can make displayed source differ from what runs ("Trojan Source").
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function text(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string') fail(path, 'must be text');
  if (v.length > max) fail(path, `is ${v.length} characters long, at most ${max} are allowed`);
  const bad = FORBIDDEN_CHAR.exec(v);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0');
    fail(path, `contains the control character U+${code} at offset ${bad.index}`);
  }
  if (LONE_SURROGATE.test(v)) fail(path, 'contains an unpaired surrogate');
  return v;
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex of at most `maxBytes` bytes; returns it unchanged. */
function hex(v: unknown, path: string, maxBytes: number): string {
  if (typeof v !== 'string') fail(path, 'must be hex text');
  if (v.length > maxBytes * 2) fail(path, `holds ${v.length / 2} bytes, at most ${maxBytes} are allowed`);
  if (!HEX.test(v)) fail(path, 'must be lowercase hex digits, two per byte');
  return v;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function mapEntry(v: unknown, path: string, m: Omit<SharedMap, 'entries'>, ncpus: number): SharedMapEntry {
  const o = object(v, path, ['key', 'value']);
  const key = hex(o.key, `${path}.key`, L.keySize);
  if (key.length !== m.keySize * 2) fail(`${path}.key`, `must be ${m.keySize} bytes (key_size), got ${key.length / 2}`);
  const value = hex(o.value, `${path}.value`, L.valueSize * L.cpus);
  const n = value.length / 2;
  const want = PERCPU_MAP_TYPES.has(m.type) ? percpuValueStride(m.valueSize) * ncpus : m.valueSize;
  if (n !== want) {
    const why = PERCPU_MAP_TYPES.has(m.type) ? `round_up(value_size, 8) for each of ${ncpus} CPUs` : 'value_size';
    fail(`${path}.value`, `must be ${want} bytes (${why}), got ${n}`);
  }
  if (isArrayMapType(m.type) && m.keySize === 4) {
    const index = parseInt(key.slice(6, 8) + key.slice(4, 6) + key.slice(2, 4) + key.slice(0, 2), 16);
    if (index >= m.maxEntries) fail(`${path}.key`, `index ${index} is past max_entries ${m.maxEntries}`);
  }
  return { key, value };
}

function map(v: unknown, path: string, ncpus: number): SharedMap {
  const o = object(v, path, ['name', 'type', 'keySize', 'valueSize', 'maxEntries', 'flags', 'entries']);
  const name = text(o.name, `${path}.name`, L.mapName);
  if (!NAME.test(name)) fail(`${path}.name`, 'must be a name of letters, digits and _ (not starting with a digit)');
  const type = int(o.type, `${path}.type`, 0, 0xffffffff);
  if (MAP_TYPE_NAMES[type] === undefined) fail(`${path}.type`, `${type} is not a map type of Linux 4.8`);
  const head = {
    name,
    type,
    keySize: int(o.keySize, `${path}.keySize`, 0, L.keySize),
    valueSize: int(o.valueSize, `${path}.valueSize`, 0, L.valueSize),
    maxEntries: int(o.maxEntries, `${path}.maxEntries`, 0, 0xffffffff),
    flags: int(o.flags, `${path}.flags`, 0, 0xffffffff),
  };
  const raw = array(o.entries, `${path}.entries`, Math.min(L.entriesPerMap, head.maxEntries));
  const entries = raw.map((e, i) => mapEntry(e, `${path}.entries[${i}]`, head, ncpus));
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.key)) fail(`${path}.entries[${i}].key`, 'repeats an earlier key');
    seen.add(e.key);
  });
  return { ...head, entries };
}

const TRACEPOINT_NAME = /^[a-z0-9_]+:[a-z0-9_]+$/;

/** The most ctx bytes a program type takes (0: none): its struct, or a tracepoint's record of any size. */
function ctxLimit(info: ProgTypeInfo | undefined): number {
  if (info?.ctxIn?.kind === 'fields') return info.ctxIn.layout.size;
  if (info?.ctxIn?.kind === 'record') return L.input;
  return 0;
}

/** The run input for a program of type `progType` (`info` undefined: one the kernel cannot run, such as unspec). */
function input(v: unknown, path: string, progType: number, info: ProgTypeInfo | undefined): SharedInput {
  const o = object(v, path, [], ['packet', 'ctx', 'tracepoint', 'repeat']);
  const typeName = PROG_TYPE_NAMES[progType];
  const out: SharedInput = {};
  if (o.packet !== undefined) {
    if (!info?.packet) fail(`${path}.packet`, `a ${typeName} program takes no packet`);
    out.packet = hex(o.packet, `${path}.packet`, L.input);
  }
  if (o.ctx !== undefined) {
    const max = ctxLimit(info);
    if (max === 0) fail(`${path}.ctx`, `a ${typeName} program takes no ctx input`);
    out.ctx = hex(o.ctx, `${path}.ctx`, max);
  }
  if (o.tracepoint !== undefined) {
    if (info?.ctxIn?.kind !== 'record') fail(`${path}.tracepoint`, `a ${typeName} program is not attached to a tracepoint`);
    const name = text(o.tracepoint, `${path}.tracepoint`, L.tracepointName);
    if (!TRACEPOINT_NAME.test(name)) fail(`${path}.tracepoint`, 'must be a tracepoint name such as "sched:sched_switch"');
    out.tracepoint = name;
  }
  if (o.repeat !== undefined) out.repeat = int(o.repeat, `${path}.repeat`, 1, L.repeat);
  return out;
}

function settings(v: unknown, path: string): SharedEngineSettings {
  const o = object(v, path, ['seed', 'ncpus', 'cpu', 'budget', 'semantics', 'verify']);
  const ncpus = int(o.ncpus, `${path}.ncpus`, 1, L.cpus);
  if (o.semantics !== '4.8' && o.semantics !== 'modern') fail(`${path}.semantics`, 'must be "4.8" or "modern"');
  return {
    seed: int(o.seed, `${path}.seed`, 0, 0xffffffff),
    ncpus,
    cpu: int(o.cpu, `${path}.cpu`, 0, ncpus - 1),
    budget: int(o.budget, `${path}.budget`, 1, L.budget),
    semantics: o.semantics,
    verify: bool(o.verify, `${path}.verify`),
  };
}

function load(v: unknown, path: string): SharedLoadSettings {
  const o = object(v, path, ['logLevel', 'logSize', 'privileged'], ['license', 'kernVersion']);
  const out: SharedLoadSettings = {
    logLevel: int(o.logLevel, `${path}.logLevel`, 0, L.logLevel),
    logSize: int(o.logSize, `${path}.logSize`, 0, L.logSize),
    privileged: bool(o.privileged, `${path}.privileged`),
  };
  if (o.license !== undefined) out.license = text(o.license, `${path}.license`, L.license);
  if (o.kernVersion !== undefined) out.kernVersion = int(o.kernVersion, `${path}.kernVersion`, 0, 0xffffffff);
  return out;
}

function breakpoints(v: unknown, path: string, lines: number): number[] {
  const list = array(v, path, L.breakpoints);
  const out = list.map((b, i) => int(b, `${path}[${i}]`, 1, lines));
  for (let i = 1; i < out.length; i++) {
    if (out[i] <= out[i - 1]) fail(`${path}[${i}]`, 'lines must be ascending without repeats');
  }
  return out;
}

/** Version 2's programs beside the edited one: unique names, texts within the source limit. */
function programs(v: unknown, path: string): SharedProgram[] {
  const names = new Set<string>();
  return array(v, path, L.progs).map((p, i) => {
    const o = object(p, `${path}[${i}]`, ['name', 'source']);
    const name = text(o.name, `${path}[${i}].name`, L.progName);
    if (!name) fail(`${path}[${i}].name`, 'must not be empty');
    if (names.has(name)) fail(`${path}[${i}].name`, `repeats the name ${name}`);
    names.add(name);
    return { name, source: text(o.source, `${path}[${i}].source`, L.source) };
  });
}

/** The name a source's `.name` directive gives its program (an identifier, bare or quoted), if it has one. */
function nameOf(source: string): string | undefined {
  return /^[ \t]*\.name[ \t]+("?)([A-Za-z_][A-Za-z0-9_]*)\1[ \t]*$/m.exec(source)?.[2];
}

/**
 * Version 2's fd-array slots: each holds exactly one of a program of `progs` (or the edited one,
 * by its `.name`: a loader may put the program it attaches into a slot too), a perf event's CPU, a cgroup.
 */
function slots(v: unknown, path: string, progs: readonly SharedProgram[], ncpus: number, main?: string): SharedSlot[] {
  return array(v, path, L.slots).map((x, i) => {
    const at = `${path}[${i}]`;
    const o = object(x, at, ['map', 'index'], ['prog', 'perfCpu', 'cgroup']);
    const map = text(o.map, `${at}.map`, L.mapName);
    if (!NAME.test(map)) fail(`${at}.map`, 'must be a map name (letters, digits, _)');
    const out: SharedSlot = { map, index: int(o.index, `${at}.index`, 0, 0xffffffff) };
    const kinds = ['prog', 'perfCpu', 'cgroup'].filter((k) => o[k] !== undefined);
    if (kinds.length !== 1) fail(at, 'must hold exactly one of prog, perfCpu, cgroup');
    if (o.prog !== undefined) {
      out.prog = text(o.prog, `${at}.prog`, L.progName);
      if (out.prog !== main && !progs.some((p) => p.name === out.prog)) fail(`${at}.prog`, `names no program of progs (${out.prog})`);
    }
    if (o.perfCpu !== undefined) out.perfCpu = int(o.perfCpu, `${at}.perfCpu`, 0, ncpus - 1);
    if (o.cgroup !== undefined) out.cgroup = text(o.cgroup, `${at}.cgroup`, L.source);
    return out;
  });
}

function session(v: unknown, types: readonly ProgTypeInfo[]): SharedSession {
  const keys = ['v', 'source', 'syntax', 'progType', 'load', 'settings', 'maps', 'input', 'breakpoints', 'step'];
  const version = typeof v === 'object' && v !== null ? (v as Obj).v : undefined;
  const o = object(v, 'session', keys, version === 2 ? ['progs', 'slots'] : []);
  if (o.v !== 1 && o.v !== SHARED_SESSION_VERSION) fail('session.v', `must be 1 or ${SHARED_SESSION_VERSION}`);
  const source = text(o.source, 'source', L.source);
  if (o.syntax !== 'llvm' && o.syntax !== 'ubpf' && o.syntax !== 'auto') fail('syntax', 'must be "llvm", "ubpf" or "auto"');
  const syntax: SharedSyntax = o.syntax;
  const progType = int(o.progType, 'progType', 0, 0xffffffff);
  if (PROG_TYPE_NAMES[progType] === undefined) fail('progType', `${progType} is not a program type of Linux 4.8`);
  const world = settings(o.settings, 'settings');
  const maps = array(o.maps, 'maps', L.maps).map((m, i) => map(m, `maps[${i}]`, world.ncpus));
  const names = new Set<string>();
  maps.forEach((m, i) => {
    if (names.has(m.name)) fail(`maps[${i}].name`, `repeats the name ${m.name}`);
    names.add(m.name);
  });
  const progs = o.progs === undefined ? [] : programs(o.progs, 'progs');
  const filled = o.slots === undefined ? [] : slots(o.slots, 'slots', progs, world.ncpus, nameOf(source));
  return {
    v: o.v,
    source,
    syntax,
    progType,
    load: load(o.load, 'load'),
    settings: world,
    maps,
    input: input(o.input, 'input', progType, types.find((t) => t.type === progType)),
    breakpoints: breakpoints(o.breakpoints, 'breakpoints', source.split('\n').length),
    step: int(o.step, 'step', 0, world.budget),
    ...(progs.length ? { progs } : {}),
    ...(filled.length ? { slots: filled } : {}),
  };
}

/** The result of checking a value as a shared session. */
type SessionCheck = { ok: true; session: SharedSession } | { ok: false; error: string };

/**
 * Checks any value (typically parsed JSON) as a version-1 or -2 shared session, its input against the
 * kernel's program types (`types`, what the engine's hello gives); never throws.
 */
export function validateSession(v: unknown, types: readonly ProgTypeInfo[]): SessionCheck {
  try {
    return { ok: true, session: session(v, types) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}
