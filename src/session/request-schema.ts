/**
 * The request of `bpflab run --json`: the JSON the kernel oracle (tools/kernel-oracle.py) also
 * takes, plus bpflab's additions (`source`/`syntax`, `object`/`section`, `verify`, `unprivileged`,
 * `semantics`, `world`, `run.mem`, `run.tracepoint`, `run.budget`, `run.time_limit_ms`; a map
 * with only `name` and `entries` for a map the source or object declares, and the slot values
 * `value_perf_cpu` and `value_cgroup`). Parsing is strict: an
 * unknown field, a wrong type, odd hex or a hostile size is a message for `request_error`, never
 * an exception.
 */
import { byName, MAP_TYPE_NAMES, PROG_TYPE_NAMES } from '../isa';
import { LIMITS } from '../protocol';

/** More instructions than this is not a program but a hostile request (the kernel refuses >= 4096). */
export const MAX_REQUEST_INSNS = 65536;
/*
 * The limits below protect the engine from hostile requests; they never change what the kernel
 * would answer, so each sits above the kernel's own limit: a request past a kernel limit reaches
 * the kernel and gets its errno (65 maps in one program: E2BIG, MAX_USED_MAPS being 64).
 */
/** Most repetitions of one debugger run in the IDE. */
export const MAX_REPEAT = 1_000_000;
/** Most repetitions of a request's run: any u32, as BPF_PROG_TEST_RUN's (the step budget bounds the work). */
const MAX_REQUEST_REPEAT = 0xffffffff;
/** Largest run.data / run.ctx / run.mem in bytes. */
export const MAX_RUN_BYTES = 1 << 20;
/** Most maps, and most extra programs, in one request (a program may use 64 maps). */
export const MAX_OBJECTS = 1024;
export const MAX_ENTRIES_PER_MAP = 1 << 20;
/** Largest entry value in bytes: above 4.8's largest map value (KMALLOC_MAX_SIZE, 4 MiB on x86-64) */
const MAX_VALUE_BYTES = 1 << 22;

interface MapEntrySpec {
  /** where the entry is in the request (`maps[0].entries[3]`), for request_error */
  where?: string;
  key: Uint8Array;
  /**
   * value bytes; or what an fd-array slot gets: a program of `progs` (`value_prog`), a perf event
   * opened on a CPU (`value_perf_cpu`, bpflab's) or a cgroup v2 directory (`value_cgroup`, bpflab's)
   */
  value: Uint8Array | { prog: string } | { perfCpu: number } | { cgroup: string };
  flags: number;
}

export interface MapSpec {
  /** where the map is in the request (`maps[0]`), or `source: .map NAME` for a declared one */
  where?: string;
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  entries: MapEntrySpec[];
  /** only a name and entries: the map is the one the source declares with `.map` */
  ref?: boolean;
}

interface FixupSpec {
  insn: number;
  map: string;
}

/** One program: instructions (or source to assemble), its map fixups, license, kern_version. */
export interface ProgSpec {
  /** where the program is in the request (`progs[0]`); none for the main one */
  where?: string;
  name?: string;
  insns?: Uint8Array;
  source?: string;
  syntax?: 'llvm' | 'ubpf';
  fixups: FixupSpec[];
  license?: string;
  kernVersion?: number;
}

export interface RunSpec {
  /** wall-clock milliseconds the runs may take (bpflab's; LIMITS.requestTimeMs) */
  timeLimitMs?: number;
  /** instructions one run (one repetition) may execute (bpflab's; LIMITS.steps) */
  budget?: number;
  data?: Uint8Array;
  ctx?: Uint8Array;
  mem?: Uint8Array;
  repeat: number;
  tracepoint?: string;
  tracepointFields?: Record<string, unknown>;
}

export interface Request extends ProgSpec {
  /** a clang object to take the program and its maps from (bpflab's, as bpftool prog load does) */
  object?: string;
  /** the object's program section to load (default: its first program) */
  section?: string;
  progType?: number;
  logLevel: number;
  logSize: number;
  maps: MapSpec[];
  progs: ProgSpec[];
  run?: RunSpec;
  verify: boolean;
  unprivileged: boolean;
  semantics: '4.8' | 'modern';
  /** the simulated world: the test run's (default) or the IDE's (cgroups with classids) */
  world: 'test_run' | 'ide';
}

class Bad extends Error {}
const bad = (msg: string): never => {
  throw new Bad(msg);
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, where: string, allowed: readonly string[]): Obj {
  if (!isObj(v)) bad(`${where}: expected an object`);
  const o = v as Obj;
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(`${where}: unknown field "${k}"`);
  return o;
}

function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${where}: expected an integer from ${min} to ${max}`);
  return v as number;
}

function str(v: unknown, where: string, max = 1 << 20): string {
  if (typeof v !== 'string') bad(`${where}: expected a string`);
  if ((v as string).length > max) bad(`${where}: longer than ${max} characters`);
  return v as string;
}

/** Hex bytes as bytes.fromhex reads them (whitespace between bytes allowed). */
export function hexBytes(v: unknown, where: string, maxBytes = MAX_RUN_BYTES): Uint8Array {
  const s = str(v, where, maxBytes * 3).replace(/\s+/g, '');
  if (s.length % 2) bad(`${where}: odd number of hex digits`);
  if (!/^[0-9a-fA-F]*$/.test(s)) bad(`${where}: not hex`);
  if (s.length / 2 > maxBytes) bad(`${where}: more than ${maxBytes} bytes`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function list(v: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(v)) bad(`${where}: expected a list`);
  if ((v as unknown[]).length > max) bad(`${where}: more than ${max} items`);
  return v as unknown[];
}

function named(table: Record<number, string>, v: unknown, where: string): number {
  if (typeof v === 'number') return int(v, where, 0, 0xffffffff);
  const n = typeof v === 'string' ? byName(table, v) : undefined;
  if (n === undefined) bad(`${where}: unknown ${JSON.stringify(v)} (known: ${Object.values(table).join(', ')})`);
  return n as number;
}

function insnsOf(v: unknown, where: string): Uint8Array {
  const items = list(v, where, MAX_REQUEST_INSNS);
  const out = new Uint8Array(items.length * 8);
  items.forEach((x, i) => {
    const b = hexBytes(x, `${where}[${i}]`, 8);
    if (b.length !== 8) bad(`${where}[${i}]: an instruction is 8 bytes (16 hex digits)`);
    out.set(b, i * 8);
  });
  return out;
}

const PROG_FIELDS = ['name', 'insns', 'source', 'syntax', 'map_fixups', 'license', 'kern_version'];

function progOf(o: Obj, where: string, fromObject = false): ProgSpec {
  const p: ProgSpec = { fixups: [] };
  if (o.name !== undefined) p.name = str(o.name, `${where}.name`, 256);
  if (fromObject) {
    if (o.insns !== undefined || o.source !== undefined || o.syntax !== undefined) bad(`${where}: give "object", or "insns" or "source", not both`);
  } else if ((o.insns === undefined) === (o.source === undefined)) bad(`${where}: give either "insns" or "source"${where === 'request' ? ' (or "object")' : ''}`);
  if (o.insns !== undefined) p.insns = insnsOf(o.insns, `${where}.insns`);
  if (o.source !== undefined) p.source = str(o.source, `${where}.source`);
  if (o.syntax !== undefined) {
    if (o.syntax !== 'llvm' && o.syntax !== 'ubpf') bad(`${where}.syntax: expected "llvm" or "ubpf"`);
    p.syntax = o.syntax as 'llvm' | 'ubpf';
  }
  if (o.map_fixups !== undefined) {
    p.fixups = list(o.map_fixups, `${where}.map_fixups`, MAX_REQUEST_INSNS).map((f, i) => {
      const w = `${where}.map_fixups[${i}]`;
      const fo = obj(f, w, ['insn', 'map']);
      return { insn: int(fo.insn, `${w}.insn`, 0, MAX_REQUEST_INSNS), map: str(fo.map, `${w}.map`, 256) };
    });
  }
  if (o.license !== undefined) p.license = str(o.license, `${where}.license`, 4096);
  if (o.kern_version !== undefined) p.kernVersion = int(o.kern_version, `${where}.kern_version`, 0, 0xffffffff);
  return p;
}

function entryOf(e: unknown, where: string): MapEntrySpec {
  const o = obj(e, where, ['key', 'value', 'value_prog', 'value_perf_cpu', 'value_cgroup', 'flags']);
  const kinds = ['value', 'value_prog', 'value_perf_cpu', 'value_cgroup'].filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) bad(`${where}: give one of "value", "value_prog", "value_perf_cpu", "value_cgroup"`);
  const value: MapEntrySpec['value'] =
    o.value !== undefined ? hexBytes(o.value, `${where}.value`, MAX_VALUE_BYTES)
    : o.value_prog !== undefined ? { prog: str(o.value_prog, `${where}.value_prog`, 256) }
    : o.value_perf_cpu !== undefined ? { perfCpu: int(o.value_perf_cpu, `${where}.value_perf_cpu`, 0, 63) }
    : { cgroup: str(o.value_cgroup, `${where}.value_cgroup`, 4096) };
  return {
    where,
    key: hexBytes(o.key, `${where}.key`, 1 << 16),
    value,
    flags: o.flags === undefined ? 0 : int(o.flags, `${where}.flags`, 0, 0xffffffff),
  };
}

function mapOf(m: unknown, where: string): MapSpec {
  const o = obj(m, where, ['name', 'type', 'key_size', 'value_size', 'max_entries', 'flags', 'entries']);
  const entries = (): MapEntrySpec[] =>
    o.entries === undefined ? [] : list(o.entries, `${where}.entries`, MAX_ENTRIES_PER_MAP).map((e, i) => entryOf(e, `${where}.entries[${i}]`));
  if (['type', 'key_size', 'value_size', 'max_entries', 'flags'].every((k) => o[k] === undefined)) {
    return { where, name: str(o.name, `${where}.name`, 256), type: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0, entries: entries(), ref: true };
  }
  return {
    where,
    name: str(o.name, `${where}.name`, 256),
    type: named(MAP_TYPE_NAMES, o.type, `${where}.type`),
    keySize: int(o.key_size, `${where}.key_size`, 0, 0xffffffff),
    valueSize: int(o.value_size, `${where}.value_size`, 0, 0xffffffff),
    maxEntries: int(o.max_entries, `${where}.max_entries`, 0, 0xffffffff),
    flags: o.flags === undefined ? 0 : int(o.flags, `${where}.flags`, 0, 0xffffffff),
    entries: entries(),
  };
}

function runOf(r: unknown): RunSpec {
  const o = obj(r, 'run', ['data', 'ctx', 'mem', 'repeat', 'tracepoint', 'time_limit_ms', 'budget']);
  const run: RunSpec = { repeat: o.repeat === undefined ? 1 : int(o.repeat, 'run.repeat', 0, MAX_REQUEST_REPEAT) || 1 };
  if (o.time_limit_ms !== undefined) run.timeLimitMs = int(o.time_limit_ms, 'run.time_limit_ms', 1, LIMITS.requestTimeMs.ceiling);
  if (o.budget !== undefined) run.budget = int(o.budget, 'run.budget', 1, LIMITS.steps.ceiling);
  if (o.data !== undefined) run.data = hexBytes(o.data, 'run.data');
  if (o.ctx !== undefined && o.ctx !== null && o.ctx !== '') run.ctx = hexBytes(o.ctx, 'run.ctx');
  if (o.mem !== undefined) run.mem = hexBytes(o.mem, 'run.mem');
  if (o.tracepoint !== undefined) {
    if (typeof o.tracepoint === 'string') run.tracepoint = o.tracepoint;
    else {
      const t = obj(o.tracepoint, 'run.tracepoint', ['name', 'fields']);
      run.tracepoint = str(t.name, 'run.tracepoint.name', 256);
      if (t.fields !== undefined) run.tracepointFields = obj(t.fields, 'run.tracepoint.fields', Object.keys(t.fields as Obj));
    }
  }
  return run;
}

const TOP_FIELDS = [
  ...PROG_FIELDS, 'prog_type', 'log_level', 'log_size', 'maps', 'progs', 'run', 'verify', 'unprivileged', 'semantics', 'world',
  'object', 'section',
];

function requestOf(v: unknown): Request {
  const o = obj(v, 'request', TOP_FIELDS);
  const bool = (k: string, dflt: boolean): boolean => {
    if (o[k] === undefined) return dflt;
    if (typeof o[k] !== 'boolean') bad(`${k}: expected true or false`);
    return o[k] as boolean;
  };
  const semantics = o.semantics ?? '4.8';
  if (semantics !== '4.8' && semantics !== 'modern') bad('semantics: expected "4.8" or "modern"');
  const world = o.world ?? 'test_run';
  if (world !== 'test_run' && world !== 'ide') bad('world: expected "test_run" or "ide"');
  if (o.section !== undefined && o.object === undefined) bad('section: a section is one of an "object"');
  const req: Request = {
    ...progOf(o, 'request', o.object !== undefined),
    ...(o.object === undefined ? {} : { object: str(o.object, 'object', 4096) }),
    ...(o.section === undefined ? {} : { section: str(o.section, 'section', 4096) }),
    progType: o.prog_type === undefined ? undefined : named(PROG_TYPE_NAMES, o.prog_type, 'prog_type'),
    logLevel: o.log_level === undefined ? 1 : int(o.log_level, 'log_level', 0, 0xffffffff),
    // no log_size: 1 MiB of log when there is a log level, none without (so log_level 0 loads)
    logSize: o.log_size === undefined ? (o.log_level === 0 ? 0 : 1 << 20) : int(o.log_size, 'log_size', 0, 0xffffffff),
    maps: o.maps === undefined ? [] : list(o.maps, 'maps', MAX_OBJECTS).map((m, i) => mapOf(m, `maps[${i}]`)),
    progs: o.progs === undefined ? [] : list(o.progs, 'progs', MAX_OBJECTS).map((p, i) => ({ ...progOf(obj(p, `progs[${i}]`, PROG_FIELDS), `progs[${i}]`), where: `progs[${i}]` })),
    run: o.run === undefined ? undefined : runOf(o.run),
    verify: bool('verify', true),
    unprivileged: bool('unprivileged', false),
    semantics: semantics as '4.8' | 'modern',
    world: world as 'test_run' | 'ide',
  };
  const names = new Set<string>();
  for (const m of req.maps) {
    if (names.has(m.name)) bad(`${m.where}.name: two maps are named "${m.name}"`);
    names.add(m.name);
  }
  req.progs.forEach((p, i) => {
    if (p.name === undefined) bad(`progs[${i}]: a program needs a "name"`);
  });
  return req;
}

/** Parses one request; a string is the request_error message. */
export function parseRequest(v: unknown): Request | string {
  try {
    return requestOf(v);
  } catch (e) {
    if (e instanceof Bad) return e.message;
    throw e;
  }
}
