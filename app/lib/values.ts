/**
 * How map keys and values are shown and typed: hex, unsigned or signed integers of 32 or 64
 * bits, or a custom struct layout ("u32 saddr; u16 sport; u8 flags[2]"). Formatting and parsing
 * are inverse: parse(format(b)) gives b back for every format that fits the size.
 */
import { bytesHex, parseHexBytes, parseInteger, readLE, writeLE } from './format';

export type ValueFormat = 'hex' | 'u32' | 'u64' | 's32' | 's64' | 'struct';
export const VALUE_FORMATS: readonly ValueFormat[] = ['hex', 'u32', 'u64', 's32', 's64', 'struct'];

export interface StructField {
  name: string;
  /** bytes per element: 1, 2, 4 or 8 */
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  /** elements (1 unless an array) */
  count: number;
}

const TYPE_RE = /^(u|s|__u|__s|i)(8|16|32|64)$/;

/** Parses "u32 a; u16 b[2]; s64 c" (`;` or `,` or newlines between fields). */
export function parseLayout(text: string): StructField[] | string {
  const fields: StructField[] = [];
  for (const raw of text.split(/[;,\n]/)) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^(\S+)\s+([A-Za-z_]\w*)(?:\[(\d+)\])?$/.exec(part);
    if (!m) return `cannot read "${part}": write a type and a name, like "u32 count"`;
    const t = TYPE_RE.exec(m[1]);
    if (!t) return `unknown type ${m[1]}: use u8, u16, u32, u64, s8, s16, s32 or s64`;
    const count = m[3] ? Number(m[3]) : 1;
    if (count < 1 || count > 4096) return `array ${m[2]} must have 1..4096 elements`;
    fields.push({ name: m[2], size: (Number(t[2]) / 8) as 1 | 2 | 4 | 8, signed: t[1] === 's' || t[1] === '__s' || t[1] === 'i', count });
  }
  if (!fields.length) return 'the layout has no field';
  return fields;
}

function intText(v: bigint, bits: number, signed: boolean): string {
  return (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)).toString();
}

/** Whether a format can show `size` bytes (integers need whole elements). */
function formatFits(fmt: ValueFormat, size: number): boolean {
  if (fmt === 'u32' || fmt === 's32') return size > 0 && size % 4 === 0;
  if (fmt === 'u64' || fmt === 's64') return size > 0 && size % 8 === 0;
  return true;
}

/** Text for bytes in a format (falls back to hex when the format does not fit). */
export function formatValue(b: Uint8Array, fmt: ValueFormat, layout?: readonly StructField[]): string {
  if (fmt === 'struct' && layout) return formatStruct(b, layout);
  if (fmt === 'hex' || fmt === 'struct' || !formatFits(fmt, b.length)) return bytesHex(b);
  const size = fmt === 'u32' || fmt === 's32' ? 4 : 8;
  const parts: string[] = [];
  for (let off = 0; off < b.length; off += size) parts.push(intText(readLE(b, off, size), size * 8, fmt[0] === 's'));
  return parts.join(' ');
}

function formatStruct(b: Uint8Array, layout: readonly StructField[]): string {
  const parts: string[] = [];
  let off = 0;
  for (const f of layout) {
    const vals: string[] = [];
    for (let i = 0; i < f.count && off + f.size <= b.length; i++, off += f.size) vals.push(intText(readLE(b, off, f.size), f.size * 8, f.signed));
    parts.push(`${f.name}=${f.count > 1 ? `[${vals.join(',')}]` : (vals[0] ?? '?')}`);
  }
  if (off < b.length) parts.push(`+${bytesHex(b.subarray(off), '')}`);
  return parts.join(' ');
}

/** Bytes of `size` from text in a format, or an error sentence. */
export function parseValue(text: string, fmt: ValueFormat, size: number, layout?: readonly StructField[]): Uint8Array | string {
  if (fmt === 'struct' && layout) return parseStruct(text, size, layout);
  if (fmt === 'hex' || fmt === 'struct' || !formatFits(fmt, size)) {
    const b = parseHexBytes(text);
    if (typeof b === 'string') return b;
    if (b.length !== size) return `expected ${size} bytes, got ${b.length}`;
    return b;
  }
  const esize = fmt === 'u32' || fmt === 's32' ? 4 : 8;
  const words = text.trim().split(/[\s,]+/).filter(Boolean);
  if (words.length !== size / esize) return `expected ${size / esize} number${size / esize === 1 ? '' : 's'}, got ${words.length}`;
  const out = new Uint8Array(size);
  for (let i = 0; i < words.length; i++) {
    const v = checkedInt(words[i], esize * 8, fmt[0] === 's');
    if (typeof v === 'string') return v;
    writeLE(out, i * esize, esize, v);
  }
  return out;
}

function checkedInt(word: string, bits: number, signed: boolean): bigint | string {
  const v = parseInteger(word);
  if (v === null) return `not a number: ${word}`;
  const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  // hex may spell a negative signed value by its bit pattern
  const asBits = /0x/i.test(word) && v >= 0n && v < 1n << BigInt(bits);
  if (!asBits && (v < lo || v > hi)) return `${word} does not fit in ${signed ? 's' : 'u'}${bits}`;
  return v;
}

function parseStruct(text: string, size: number, layout: readonly StructField[]): Uint8Array | string {
  const out = new Uint8Array(size);
  const given = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_]\w*)\s*=\s*(\[[^\]]*\]|\S+)/g)) given.set(m[1], m[2]);
  let off = 0;
  for (const f of layout) {
    const t = given.get(f.name) ?? '0';
    const words = t.replace(/^\[|\]$/g, '').split(',').map((w) => w.trim()).filter(Boolean);
    for (let i = 0; i < f.count; i++, off += f.size) {
      if (off + f.size > size) return `the layout is longer than the ${size}-byte value`;
      const v = checkedInt(words[i] ?? '0', f.size * 8, f.signed);
      if (typeof v === 'string') return `${f.name}: ${v}`;
      writeLE(out, off, f.size, v);
    }
  }
  const tail = /\+([0-9a-fA-F]+)/.exec(text);
  if (tail && off < size) {
    const b = parseHexBytes(tail[1]);
    if (typeof b !== 'string') out.set(b.subarray(0, size - off), off);
  }
  return out;
}
