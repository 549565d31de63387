/**
 * The IDE's session as a share link carries it, and back: the pure conversions between the
 * store's fields (text, settings, the input as the user edits it, breakpoints) and a
 * `SharedSession`, and from a lesson to what the store and the loader need. No engine, no DOM.
 */
import type { LoadSetup, ProgTypeInfo, ShareState } from '../../src/protocol';
import { SHARED_LIMITS, SHARED_SESSION_VERSION, type SharedInput, type SharedSession } from '../../src/protocol';
import { bytesHex, parseHexBytes, readLE } from './format';
import { DEFAULT_INPUT, buildRunInput, editableCtxFields, type InputState } from './input';

/** The store's fields a share link is made from. */
interface ShareSource {
  text: string;
  syntax: 'auto' | 'llvm' | 'ubpf';
  progType: number;
  logLevel: 0 | 1 | 2;
  logSize: number;
  privileged: boolean;
  engineSettings: SharedSession['settings'];
  input: InputState;
  breakpoints: number[];
  /** the programs beside the edited one and the slots they fill (a lesson's or an object's tail-call set) */
  setup?: Pick<LoadSetup, 'progs' | 'slots'>;
}

/** A setup's programs and slots as a link carries them (version 2). */
function sharedSet(setup: ShareSource['setup']): Pick<SharedSession, 'progs' | 'slots'> {
  const out: Pick<SharedSession, 'progs' | 'slots'> = {};
  if (setup?.progs?.length) out.progs = setup.progs.map((p) => ({ name: p.name, source: p.text }));
  if (setup?.slots?.length) out.slots = setup.slots.map((x) => ({ map: x.map, index: x.index, ...x.value }));
  return out;
}

/** A link's programs and slots as the loader takes them, or null when it carries none. */
export function setFromShared(x: Pick<SharedSession, 'progs' | 'slots'>): Pick<LoadSetup, 'progs' | 'slots'> | null {
  if (!x.progs?.length && !x.slots?.length) return null;
  return {
    progs: (x.progs ?? []).map((p) => ({ name: p.name, text: p.source })),
    slots: (x.slots ?? []).map((s) => ({
      map: s.map,
      index: s.index,
      value: s.prog !== undefined ? { prog: s.prog } : s.perfCpu !== undefined ? { perfCpu: s.perfCpu } : { cgroup: s.cgroup ?? '' },
    })),
  };
}

const hex = (b: Uint8Array | undefined): string | undefined => (b ? bytesHex(b, '') : undefined);

/** The run input as a link carries it (hex), or why the input cannot be shared. */
function sharedInput(info: ProgTypeInfo, input: InputState): SharedInput | string {
  const run = buildRunInput(info, input);
  if (typeof run === 'string') return run;
  const out: SharedInput = {};
  if (run.packet) out.packet = hex(run.packet);
  if (run.ctx) out.ctx = hex(run.ctx);
  if (run.tracepoint !== undefined) out.tracepoint = run.tracepoint;
  if (run.repeat !== undefined && run.repeat > 1) out.repeat = run.repeat;
  return out;
}

/**
 * The session to share: the store's fields, and from the engine the maps as the run began and
 * the run's position (`state` null: the program is not loaded as the editor has it, so the maps
 * are the source's and no run is shared).
 */
export function toShared(s: ShareSource, info: ProgTypeInfo, state: ShareState | null): SharedSession | string {
  const input = sharedInput(info, s.input);
  if (typeof input === 'string') return `the run input is not valid: ${input}`;
  if (state?.problems.length) return state.problems.join('; ');
  const lines = s.text.split('\n').length;
  const step = state?.position ?? 0;
  if (step > s.engineSettings.budget) return `the run is at step ${step}, past the instruction budget a link allows (${s.engineSettings.budget})`;
  return {
    v: SHARED_SESSION_VERSION,
    source: s.text,
    syntax: s.syntax,
    progType: s.progType,
    load: { logLevel: s.logLevel, logSize: s.logSize, privileged: s.privileged },
    // the world and the run, not the user's time and memory limits (a link never sets those)
    settings: { seed: s.engineSettings.seed, ncpus: s.engineSettings.ncpus, cpu: s.engineSettings.cpu, budget: s.engineSettings.budget, semantics: s.engineSettings.semantics, verify: s.engineSettings.verify },
    maps: state?.maps ?? [],
    input,
    breakpoints: [...new Set(s.breakpoints)].filter((b) => b >= 1 && b <= lines).sort((a, b) => a - b).slice(0, SHARED_LIMITS.breakpoints),
    step,
    ...sharedSet(s.setup),
  };
}

/** Context field values (as the input panel edits them) from ctx bytes. */
export function ctxValuesFromBytes(info: ProgTypeInfo, ctx: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of editableCtxFields(info)) {
    const v = readLE(ctx, f.offset, f.size);
    if (v !== 0n) out[f.name] = `0x${v.toString(16)}`;
  }
  return out;
}

/** Ctx bytes that the input panel cannot show (outside its fields), if any. */
export function ctxOutsideFields(info: ProgTypeInfo | undefined, ctx: Uint8Array): boolean {
  if (info?.ctxIn?.kind === 'record') return false;
  const covered = new Uint8Array(ctx.length);
  for (const f of editableCtxFields(info)) covered.fill(1, f.offset, f.offset + f.size);
  return ctx.some((b, i) => b !== 0 && !covered[i]);
}

/** The bytes of a link's hex field (checked when the link was decoded), if it has one. */
export const bytesOf = (h: string | undefined): Uint8Array | undefined => {
  if (h === undefined) return undefined;
  const b = parseHexBytes(h);
  return typeof b === 'string' ? undefined : b;
};

/**
 * The input panel's state from a link's input (the packet builder keeps its last template), for
 * a program of type `info` (undefined: a type the kernel cannot run, which takes no input).
 */
export function inputFromShared(info: ProgTypeInfo | undefined, i: SharedInput, current: InputState): InputState {
  const ctx = bytesOf(i.ctx);
  const tp = info?.ctxIn?.kind === 'record';
  return {
    ...DEFAULT_INPUT,
    spec: current.spec,
    packetHex: i.packet ?? (info?.packet ? '' : current.packetHex),
    ctxValues: ctx && info && !tp ? ctxValuesFromBytes(info, ctx) : {},
    tpHex: tp && i.ctx ? i.ctx : '',
    tracepoint: i.tracepoint ?? DEFAULT_INPUT.tracepoint,
    repeat: i.repeat ?? 1,
  };
}

/** A link's maps as the loader puts them back. */
export function contentsFromShared(maps: SharedSession['maps']): NonNullable<LoadSetup['contents']> {
  return maps.map((m) => ({ name: m.name, entries: m.entries.map((e) => ({ key: bytesOf(e.key)!, value: bytesOf(e.value)! })) }));
}
