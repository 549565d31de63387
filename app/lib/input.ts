/**
 * The run input as the user edits it (persisted as text) and as the engine takes it (bytes):
 * the packet, and the context fields each program type lets a test run set. What a type takes
 * is the kernel's registry's word (`ProgTypeInfo`, from the engine's hello).
 */
import type { Field } from '../../src/isa';
import type { ProgTypeInfo, RunInput } from '../../src/protocol';
import { bytesHex, parseHexBytes, parseInteger, writeLE } from './format';
import { DEFAULT_SPEC, buildFrame, type FrameSpec } from './templates';

export interface InputState {
  /** the packet as hex */
  packetHex: string;
  /** values of context fields by name (decimal or 0x hex) */
  ctxValues: Record<string, string>;
  /** a tracepoint's raw record as hex */
  tpHex: string;
  tracepoint: string;
  repeat: number;
  /** what the packet builder last built from */
  spec: FrameSpec;
}

export const DEFAULT_INPUT: InputState = {
  packetHex: bytesHex(buildFrame(DEFAULT_SPEC) as Uint8Array, ''),
  ctxValues: {},
  tpHex: '',
  tracepoint: 'sched:sched_switch',
  repeat: 1,
  spec: DEFAULT_SPEC,
};

/** The context fields the input panel lets one edit for a program type. */
export function editableCtxFields(info: ProgTypeInfo | undefined): readonly Field[] {
  const c = info?.ctxIn;
  return c?.kind === 'fields' ? c.layout.fields.filter((f) => c.fields.includes(f.name)) : [];
}

/** The panel's heading for those fields: the struct, and whether a run may set only some of them. */
export function ctxFieldsTitle(info: ProgTypeInfo): string {
  const c = info.ctxIn;
  if (c?.kind !== 'fields') return '';
  return `struct ${c.layout.name}${c.fields.length < c.layout.fields.length ? ' (fields a test run may set)' : ''}`;
}

function ctxBytes(info: ProgTypeInfo, input: InputState): Uint8Array | string | undefined {
  const c = info.ctxIn;
  if (c?.kind === 'record') {
    if (!input.tpHex.trim()) return undefined;
    const b = parseHexBytes(input.tpHex);
    return typeof b === 'string' ? `tracepoint record: ${b}` : b;
  }
  if (c?.kind !== 'fields') return undefined;
  const out = new Uint8Array(c.layout.size);
  let any = false;
  for (const f of editableCtxFields(info)) {
    const text = input.ctxValues[f.name];
    if (text === undefined || text.trim() === '') continue;
    const v = parseInteger(text);
    if (v === null) return `${f.name}: not a number`;
    writeLE(out, f.offset, f.size, v);
    any = any || v !== 0n;
  }
  // zeros are the default unless the bytes stand for the whole context (pt_regs)
  return any || c.replaces ? out : undefined;
}

/** The engine's RunInput for a program of type `info`, or a sentence saying which field is wrong. */
export function buildRunInput(info: ProgTypeInfo, input: InputState): RunInput | string {
  const run: RunInput = { repeat: Math.max(1, Math.floor(input.repeat) || 1) };
  if (info.packet) {
    const p = parseHexBytes(input.packetHex);
    if (typeof p === 'string') return `packet: ${p}`;
    run.packet = p;
  }
  const ctx = ctxBytes(info, input);
  if (typeof ctx === 'string') return ctx;
  if (ctx) run.ctx = ctx;
  if (info.ctxIn?.kind === 'record') run.tracepoint = input.tracepoint;
  return run;
}
