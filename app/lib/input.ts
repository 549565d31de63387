/**
 * The run input as the user edits it (persisted as text) and as the engine takes it (bytes):
 * the packet, and the context fields each program type lets a test run set.
 */
import { PT_REGS, ProgType, SK_BUFF, type Field } from '../../src/isa';
import type { RunInput } from '../../src/protocol';
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

/** The __sk_buff fields a test run may set (as BPF_PROG_TEST_RUN's ctx_in allows). */
export const SKB_INPUT_FIELDS = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]'];

const SKB_TYPES = new Set<number>([ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct]);
const PACKET_TYPES = new Set<number>([ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp]);

/** Whether programs of this type run on a packet. */
export const takesPacket = (progType: number): boolean => PACKET_TYPES.has(progType);

/** The context fields the input panel lets one edit for a program type. */
export function editableCtxFields(progType: number): readonly Field[] {
  if (SKB_TYPES.has(progType)) return SK_BUFF.fields.filter((f) => SKB_INPUT_FIELDS.includes(f.name));
  if (progType === ProgType.Kprobe) return PT_REGS.fields;
  return [];
}

function ctxBytes(progType: number, input: InputState): Uint8Array | string | undefined {
  if (progType === ProgType.Tracepoint) {
    if (!input.tpHex.trim()) return undefined;
    const b = parseHexBytes(input.tpHex);
    return typeof b === 'string' ? `tracepoint record: ${b}` : b;
  }
  const fields = editableCtxFields(progType);
  if (!fields.length) return undefined;
  const layout = progType === ProgType.Kprobe ? PT_REGS : SK_BUFF;
  const out = new Uint8Array(layout.size);
  let any = false;
  for (const f of fields) {
    const text = input.ctxValues[f.name];
    if (text === undefined || text.trim() === '') continue;
    const v = parseInteger(text);
    if (v === null) return `${f.name}: not a number`;
    writeLE(out, f.offset, f.size, v);
    any = any || v !== 0n;
  }
  return any || progType === ProgType.Kprobe ? out : undefined;
}

/** The engine's RunInput, or a sentence saying which field is wrong. */
export function buildRunInput(progType: number, input: InputState): RunInput | string {
  const run: RunInput = { repeat: Math.max(1, Math.floor(input.repeat) || 1) };
  if (takesPacket(progType)) {
    const p = parseHexBytes(input.packetHex);
    if (typeof p === 'string') return `packet: ${p}`;
    run.packet = p;
  }
  const ctx = ctxBytes(progType, input);
  if (typeof ctx === 'string') return ctx;
  if (ctx) run.ctx = ctx;
  if (progType === ProgType.Tracepoint) run.tracepoint = input.tracepoint;
  return run;
}
