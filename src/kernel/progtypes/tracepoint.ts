/**
 * BPF_PROG_TYPE_TRACEPOINT (4.8's tracepoint_prog_ops): runs when a kernel tracepoint fires.
 * Its context is the raw record of the tracepoint, laid out as its tracefs `format` file says
 * (4.8, x86-64). The record starts with the 8-byte common header (common_type, common_flags,
 * common_preempt_count, common_pid); 4.8 overwrites those 8 bytes with a pointer to the pt_regs
 * of the hit before running the program (perf_trace_run_bpf_submit), which is why the verifier
 * refuses ctx offsets below 8. The fields come from the simulated world and may be overridden by
 * name, or ctx_in gives the whole record. The return value is a plain number. Non-goal: every
 * tracepoint of the kernel; these are the ones lessons use.
 */
import { ProgType } from '../../isa';
import { leBytes } from '../../mem';
import type { KernelServices, World } from '../types';
import { defineProgType, funcProto, refuse, tracingFuncProto } from './common';
import { mapPtRegs } from './kprobe';
import type { CtxAccess, CtxAccessResult, RunContext, RunInput, RunRefused } from './types';

interface TracepointField {
  name: string;
  /** the C type as the format file prints it */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
}

interface TracepointDef {
  /** "sched:sched_switch" */
  name: string;
  /** the event id (common_type) in bpflab's tracefs */
  id: number;
  /** fixed part of the record, header included */
  size: number;
  fields: readonly TracepointField[];
  /** default field values from the world (numbers, bigints or strings for char arrays) */
  defaults(world: World): Record<string, number | bigint | string>;
}

const COMMON: TracepointField[] = [
  { name: 'common_type', type: 'unsigned short', offset: 0, size: 2, signed: false },
  { name: 'common_flags', type: 'unsigned char', offset: 2, size: 1, signed: false },
  { name: 'common_preempt_count', type: 'unsigned char', offset: 3, size: 1, signed: false },
  { name: 'common_pid', type: 'int', offset: 4, size: 4, signed: true },
];

const f = (name: string, type: string, offset: number, size: number, signed = true): TracepointField => ({ name, type, offset, size, signed });

export const TRACEPOINTS: readonly TracepointDef[] = [
  {
    name: 'sched:sched_switch',
    id: 273,
    size: 64,
    fields: [
      ...COMMON,
      f('prev_comm', 'char[16]', 8, 16),
      f('prev_pid', 'pid_t', 24, 4),
      f('prev_prio', 'int', 28, 4),
      f('prev_state', 'long', 32, 8),
      f('next_comm', 'char[16]', 40, 16),
      f('next_pid', 'pid_t', 56, 4),
      f('next_prio', 'int', 60, 4),
    ],
    defaults: (w) => ({
      prev_comm: w.task.comm, prev_pid: w.task.pid, prev_prio: 120, prev_state: 1,
      next_comm: `swapper/${w.cpu}`, next_pid: 0, next_prio: 120,
    }),
  },
  {
    name: 'sched:sched_process_exec',
    id: 280,
    size: 20,
    fields: [...COMMON, f('filename', '__data_loc char[]', 8, 4), f('pid', 'pid_t', 12, 4), f('old_pid', 'pid_t', 16, 4)],
    defaults: (w) => ({ filename: `/usr/bin/${w.task.comm}`, pid: w.task.pid, old_pid: w.task.pid }),
  },
  {
    name: 'raw_syscalls:sys_enter',
    id: 17,
    size: 64,
    fields: [...COMMON, f('id', 'long', 8, 8), f('args', 'unsigned long[6]', 16, 48, false)],
    defaults: () => ({ id: 1, args: 0 }),
  },
  {
    name: 'raw_syscalls:sys_exit',
    id: 16,
    size: 24,
    fields: [...COMMON, f('id', 'long', 8, 8), f('ret', 'long', 16, 8)],
    defaults: () => ({ id: 1, ret: 0 }),
  },
];

/** Looks a tracepoint up as "sched:sched_switch" or just "sched_switch". */
export function tracepointByName(name: string): TracepointDef | undefined {
  return TRACEPOINTS.find((t) => t.name === name || t.name.split(':')[1] === name);
}

/** A C string as the kernel holds it: the text's UTF-8 bytes (a filename is bytes, not Latin-1). */
const cString = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Builds the raw record of `def` (common header included) from the world's defaults and
 * `overrides`; a string (starting with the field's name) for an unknown field, a wrong kind of
 * value, or a record the perf trace buffer cannot hold (Linux drops such an event).
 */
export function buildRecord(def: TracepointDef, world: World, overrides: Record<string, unknown> = {}): Uint8Array | string {
  const values: Record<string, unknown> = { ...def.defaults(world), ...overrides };
  for (const k of Object.keys(overrides)) {
    if (!def.fields.some((x) => x.name === k)) return `${k}: tracepoint ${def.name} has no such field (it has ${def.fields.map((x) => x.name).join(', ')})`;
  }
  let tail: Uint8Array = new Uint8Array(0);
  let tailField = '';
  const out = new Uint8Array(def.size);
  values.common_type ??= def.id;
  values.common_pid ??= world.task.pid;
  values.common_preempt_count ??= 1;
  for (const field of def.fields) {
    const v = values[field.name];
    if (v === undefined) continue;
    if (field.type === '__data_loc char[]') {
      if (typeof v !== 'string') return `${field.name}: must be a string`;
      tail = cString(v + '\0');
      tailField = field.name;
      // __data_loc: length << 16 | offset of the string in the record
      out.set(leBytes(BigInt(((tail.length & 0xffff) << 16) | def.size), 4), field.offset);
    } else if (field.type.startsWith('char[')) {
      if (typeof v !== 'string') return `${field.name}: must be a string`;
      out.set(cString(v).subarray(0, field.size - 1), field.offset);
    } else if ((typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint') {
      out.set(leBytes(BigInt(v), Math.min(field.size, 8)), field.offset);
    } else {
      return `${field.name}: must be an integer`;
    }
  }
  // perf_trace_buf_alloc: the record, behind its u32 size, padded to 8, must fit the trace buffer
  const size = Math.ceil((def.size + tail.length + 4) / 8) * 8 - 4;
  if (size > PERF_MAX_TRACE_SIZE) {
    return `${tailField}: ${tail.length - 1} bytes make a ${size}-byte record, more than the perf trace buffer's ${PERF_MAX_TRACE_SIZE} (PERF_MAX_TRACE_SIZE): Linux drops such an event before any program runs`;
  }
  const record = new Uint8Array(def.size + tail.length);
  record.set(out);
  record.set(tail, def.size);
  return record;
}

/** PERF_MAX_TRACE_SIZE: the perf trace buffer a tracepoint record is in */
const PERF_MAX_TRACE_SIZE = 2048;

/**
 * 4.8's tp_prog_is_valid_access: read-only, aligned, off < PERF_MAX_TRACE_SIZE, and not in the
 * first 8 bytes (where 4.8 puts the pt_regs pointer). That test is `off < sizeof(void *)`, an
 * unsigned comparison in C: a negative offset is not below 8, so **every negative offset passes**
 * (down to the -32768 an instruction's offset can hold) when `off % size` (C's remainder, like
 * JavaScript's `%`) is 0. The run maps memory before the record for them (buildContext).
 */
function access(a: CtxAccess): CtxAccessResult {
  const belowPointerSize = a.off >= 0 && a.off < 8;
  if (a.write || belowPointerSize || a.off >= PERF_MAX_TRACE_SIZE || a.off % a.size !== 0) return false;
  return 'scalar';
}

/**
 * How far below a tracepoint's record a program may read: 4.8's verifier lets every negative
 * ctx offset through (access above), and an instruction's offset is a signed 16-bit number, so
 * loads reach down to 32768 bytes before the record.
 */
export const TRACEPOINT_BELOW_RECORD = 0x8000;

/** What the memory below a tracepoint's record stands for, as the IDE's context view says it. */
const BELOW_RECORD_ABOUT =
  'Below the record: per-CPU kernel memory under the perf trace buffer that 4.8 writes the record into. ' +
  'It is not part of the event, yet 4.8\'s verifier lets tracepoint programs read it (any negative offset whose ' +
  'remainder by the size is 0 passes). What a real kernel keeps there is other kernel data; bpflab does not model it and shows zeros.';

/**
 * A tracepoint's record as 4.8 hands it to the program: written at the start of this CPU's
 * perf trace buffer (perf_trace_buf_alloc, PERF_MAX_TRACE_SIZE bytes), its first 8 bytes
 * overwritten with the pt_regs pointer (perf_trace_run_bpf_submit), the rest of the buffer
 * after it. Below the buffer lies other per-CPU memory of the kernel, which bpflab does not
 * model: the region holds TRACEPOINT_BELOW_RECORD zero bytes there, so that every load the
 * verifier accepts reads something, and r1 (the region's origin) points at the record.
 */
function buildContext(kernel: KernelServices, input: RunInput): RunContext | RunRefused {
  const mem = kernel.mem;
  const def = tracepointByName(input.tracepoint ?? 'sched:sched_switch');
  let record: Uint8Array;
  if (input.ctx) {
    record = input.ctx.slice();
  } else {
    if (!def) {
      const known = TRACEPOINTS.map((t) => t.name).join(', ');
      return refuse('EINVAL', `bpflab does not model the tracepoint ${input.tracepoint}: it has ${known}; for any other, give the raw record as ctx_in (run.ctx), its first 8 bytes left for the pt_regs pointer`);
    }
    const built = buildRecord(def, kernel.world, input.tracepointFields);
    if (typeof built === 'string') return refuse('EINVAL', built);
    record = built;
  }
  if (record.length < 8) return refuse('EINVAL', 'a tracepoint record has at least the 8-byte common header');
  const regs = mapPtRegs(mem, kernel.world, undefined, 'pt_regs (tracepoint)')!;
  record.set(leBytes(mem.addr(regs), 8), 0);
  // the record sits in the perf trace buffer: the verifier lets programs read up to its end
  const bytes = new Uint8Array(TRACEPOINT_BELOW_RECORD + Math.max(record.length, PERF_MAX_TRACE_SIZE));
  bytes.set(record, TRACEPOINT_BELOW_RECORD);
  const ctx = mem.map('ctx', `ctx (${input.tracepoint ?? 'tracepoint'} record)`, bytes, false);
  ctx.origin = TRACEPOINT_BELOW_RECORD;
  const fields = def ? def.fields.map((f) => ({ name: f.name, offset: f.offset, size: Math.min(f.size, 8), doc: f.type })) : [];
  const layout = { name: def?.name ?? 'tracepoint record', fields, below: BELOW_RECORD_ABOUT };
  return { ctx, regs, skb: null, r1: mem.addr(ctx, TRACEPOINT_BELOW_RECORD), layout };
}

export const tracepointOps = defineProgType({
  info: { type: ProgType.Tracepoint, name: 'tracepoint', title: 'tracepoint program', packet: false, ctxIn: { kind: 'record' } },
  unprivileged: false,
  // the first 8 bytes hold 4.8's pt_regs pointer; negative offsets pass too (access above), but a record is read from 8
  ctx: { record: { from: 8, end: PERF_MAX_TRACE_SIZE } },
  ctxAccess: access,
  ldAbs: false,
  packetWrite: false,
  // 4.8's tp_prog_func_proto
  funcProto: funcProto(['perf_event_output', 'get_stackid'], tracingFuncProto),
  checksKernVersion: false,
  traceFlags: '...2',
  buildContext,
  verdict: (retval) => ({ name: `r0 = ${retval >>> 0}` }),
});
