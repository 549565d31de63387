/** Pure helpers of the map inspector: per-CPU values, how keys and values read, and how edits parse. */
import { MapType, percpuValueStride } from '../../../src/isa';
import type { MapEntryView, MapInfo } from '../../../src/protocol';
import { bytesHex } from '../../lib/format';
import { formatValue, parseLayout, parseValue, type StructField, type ValueFormat } from '../../lib/values';
import type { MapFormat } from '../../store';

/** A format that suits a map's sizes when the user has not picked one. */
export function defaultFormat(m: MapInfo): MapFormat {
  const fit = (n: number): ValueFormat => (n === 4 ? 'u32' : n === 8 ? 'u64' : 'hex');
  return { key: fit(m.keySize), value: fit(m.valueSize), layout: '' };
}

/** The per-CPU copies in a user-space value (each round_up(value_size, 8) bytes), trimmed to value_size. */
export function splitPercpu(m: MapInfo, value: Uint8Array): Uint8Array[] {
  if (m.ncpus <= 1) return [value];
  const stride = percpuValueStride(m.valueSize);
  return Array.from({ length: m.ncpus }, (_, c) => value.subarray(c * stride, c * stride + m.valueSize));
}

/** Joins per-CPU values back into the user-space layout. */
export function joinPercpu(m: MapInfo, parts: Uint8Array[]): Uint8Array {
  if (m.ncpus <= 1) return parts[0];
  const stride = percpuValueStride(m.valueSize);
  const out = new Uint8Array(stride * m.ncpus);
  parts.forEach((p, c) => out.set(p.subarray(0, m.valueSize), c * stride));
  return out;
}

export function layoutOf(f: MapFormat): StructField[] | undefined {
  if (f.value !== 'struct') return undefined;
  const l = parseLayout(f.layout);
  return typeof l === 'string' ? undefined : l;
}

/** The text of an entry's value column(s). */
export function valueTexts(m: MapInfo, e: MapEntryView, f: MapFormat): string[] {
  if (m.type === MapType.ProgArray) return [e.prog ? `prog ${e.prog.id} ${e.prog.name}` : '(empty)'];
  if (m.type === MapType.StackTrace && e.frames) return [e.frames.map((fr) => fr.symbol || `0x${fr.ip.toString(16)}`).join(' ← ')];
  if (m.type === MapType.PerfEventArray) {
    const n = e.records?.length ?? 0;
    const lost = e.lost ? ` (${e.lost} lost: the ring buffer was full)` : '';
    return [n ? `${n} record${n === 1 ? '' : 's'}${lost}: ${e.records!.slice(-3).map((r) => `[cpu ${r.cpu}] ${bytesHex(r.data, '')}`).join(' ')}` : e.value ? `event${lost}` : '(empty)'];
  }
  if (!e.value) return ['(empty)'];
  return splitPercpu(m, e.value).map((v) => formatValue(v, f.value, layoutOf(f)));
}

export const keyText = (e: MapEntryView, f: MapFormat): string => formatValue(e.key, f.key);

/** Parses the edit form: one text per CPU. */
export function parseEntry(m: MapInfo, f: MapFormat, keyText: string, valueTextsIn: string[]): { key: Uint8Array; value: Uint8Array } | string {
  const key = parseValue(keyText, f.key, m.keySize);
  if (typeof key === 'string') return `key: ${key}`;
  const parts: Uint8Array[] = [];
  for (let c = 0; c < Math.max(1, m.ncpus); c++) {
    const v = parseValue(valueTextsIn[c] ?? valueTextsIn[0] ?? '', f.value, m.valueSize, layoutOf(f));
    if (typeof v === 'string') return `value${m.ncpus > 1 ? ` (cpu ${c})` : ''}: ${v}`;
    parts.push(v);
  }
  return { key, value: joinPercpu(m, parts) };
}

/** Maps whose entries can be deleted (array entries always exist: delete is EINVAL). */
export const deletable = (m: MapInfo): boolean => m.type === MapType.Hash || m.type === MapType.PercpuHash;

/** Maps whose values are fds or records, edited through the shell rather than the form. */
export const editable = (m: MapInfo): boolean =>
  m.type === MapType.Hash || m.type === MapType.Array || m.type === MapType.PercpuHash || m.type === MapType.PercpuArray;
