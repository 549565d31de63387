/**
 * TRACEPOINT's context: the raw record of a tracepoint, laid out as its tracefs `format` file
 * says (4.8, x86-64). The record starts with the 8-byte common header (common_type,
 * common_flags, common_preempt_count, common_pid); 4.8 overwrites those 8 bytes with a pointer
 * to the pt_regs of the hit before running the program (perf_trace_run_bpf_submit), which is
 * why the verifier refuses ctx offsets below 8. The fields come from the simulated world and
 * may be overridden by name. Non-goal: every tracepoint of the kernel; these are the ones
 * lessons use.
 */
import { leBytes } from '../../mem';
import { PERF_MAX_TRACE_SIZE } from './access';
import type { World } from '../types';

export interface TracepointField {
  name: string;
  /** the C type as the format file prints it */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
}

export interface TracepointDef {
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
