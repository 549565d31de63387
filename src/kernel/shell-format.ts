/**
 * bpftool's plain-text output shapes, for the shell: hex bytes (a double space after 8 bytes, a
 * newline after 16), map entries (one line when key and value are short, per-CPU values one
 * line per CPU), `map show` and `prog show` records, and strerror's messages. Written from
 * bpftool's documented output; only the shapes are reproduced.
 */
import { Errno, MAP_TYPE_NAMES, PERCPU_MAP_TYPES, PROG_TYPE_NAMES, percpuValueStride } from '../isa';
import type { MapInfo, ProgInfo } from './kernel';
import { BOOT_EPOCH_S } from './world';

const STRERROR: Record<number, string> = {
  [Errno.EPERM]: 'Operation not permitted',
  [Errno.ENOENT]: 'No such file or directory',
  [Errno.E2BIG]: 'Argument list too long',
  [Errno.EBADF]: 'Bad file descriptor',
  [Errno.EAGAIN]: 'Resource temporarily unavailable',
  [Errno.ENOMEM]: 'Cannot allocate memory',
  [Errno.EACCES]: 'Permission denied',
  [Errno.EFAULT]: 'Bad address',
  [Errno.EBUSY]: 'Device or resource busy',
  [Errno.EEXIST]: 'File exists',
  [Errno.ENOTDIR]: 'Not a directory',
  [Errno.EISDIR]: 'Is a directory',
  [Errno.EINVAL]: 'Invalid argument',
  [Errno.EMFILE]: 'Too many open files',
  [Errno.ENOSPC]: 'No space left on device',
  [Errno.ENAMETOOLONG]: 'File name too long',
  [Errno.ENOTEMPTY]: 'Directory not empty',
  [Errno.EOPNOTSUPP]: 'Operation not supported',
};

/** strerror(errno) as glibc words it (errno positive or negative). */
export const strerror = (errno: number): string => STRERROR[Math.abs(errno)] ?? `Unknown error ${Math.abs(errno)}`;

/** bpftool's fprint_hex: `01 02 ...`, two spaces after every 8th byte, a newline after every 16th. */
export function fprintHex(data: Uint8Array, sep = ' '): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    let pfx = '';
    if (i === 0) pfx = '';
    else if (i % 16 === 0) out += '\n';
    else if (i % 8 === 0) out += '  ';
    else pfx = sep;
    out += pfx + data[i].toString(16).padStart(2, '0');
  }
  return out;
}

/** The shape of a map entry bpftool prints for dump and lookup. */
export interface EntryShape {
  type: number;
  keySize: number;
  valueSize: number;
  ncpus: number;
}

/** One entry, as print_entry_plain prints it. */
export function printEntry(m: EntryShape, key: Uint8Array, value: Uint8Array): string {
  if (!PERCPU_MAP_TYPES.has(m.type)) {
    const breakNames = m.keySize > 16 || m.valueSize > 16;
    const singleLine = m.keySize + m.valueSize <= 24 && !breakNames;
    const nl = breakNames ? '\n' : ' ';
    return `key:${nl}${fprintHex(key)}${singleLine ? '  ' : '\n'}value:${nl}${fprintHex(value.subarray(0, m.valueSize))}\n`;
  }
  const step = percpuValueStride(m.valueSize);
  let out = `key:\n${fprintHex(key)}\n`;
  for (let cpu = 0; cpu < m.ncpus; cpu++) {
    out += `value (CPU ${String(cpu).padStart(2, '0')}):${m.valueSize > 16 ? '\n' : ' '}`;
    out += `${fprintHex(value.subarray(cpu * step, cpu * step + m.valueSize))}\n`;
  }
  return out;
}

/** An entry whose value could not be read, as print_entry_error_msg prints it. */
export function printEntryError(m: EntryShape, key: Uint8Array, msg: string): string {
  const breakNames = m.keySize > 16 || msg.length > 16;
  const singleLine = m.keySize + msg.length <= 24 && !breakNames;
  const nl = breakNames ? '\n' : ' ';
  return `key:${nl}${fprintHex(key)}${singleLine ? '  ' : '\n'}value:${nl}${msg}\n`;
}

/** `bpftool map show` for one map. */
export function mapShowPlain(m: MapInfo, showPinned: boolean): string {
  const type = MAP_TYPE_NAMES[m.type] ? `${MAP_TYPE_NAMES[m.type]}  ` : `type ${m.type}  `;
  const name = m.name ? `name ${m.name}  ` : '';
  let out = `${m.id}: ${type}${name}flags 0x${m.map.mapFlags.toString(16)}\n`;
  out += `\tkey ${m.map.keySize}B  value ${m.map.valueSize}B  max_entries ${m.map.maxEntries}  memlock ${m.memlock}B`;
  if (showPinned) for (const p of m.pins) out += `\n\tpinned ${p}`;
  return out + '\n';
}

/** strftime("%FT%T%z") of the wall-clock time a program was loaded (UTC). */
function bootTime(ns: bigint): string {
  const d = new Date((BOOT_EPOCH_S + Number(ns / 1_000_000_000n)) * 1000);
  return d.toISOString().replace(/\.\d+Z$/, '+0000');
}

/** `bpftool prog show` for one program (never jited: bpflab interprets). */
export function progShowPlain(p: ProgInfo, showPinned: boolean): string {
  const type = PROG_TYPE_NAMES[p.type] ? `${PROG_TYPE_NAMES[p.type]}  ` : `type ${p.type}  `;
  const name = p.name ? `name ${p.name}  ` : '';
  let out = `${p.id}: ${type}${name}tag ${p.tag}${p.gpl ? '  gpl' : ''}\n`;
  out += `\tloaded_at ${bootTime(p.loadTimeNs)}  uid ${p.uid}\n`;
  out += `\txlated ${p.xlatedLen}B  not jited  memlock ${p.memlock}B`;
  if (p.mapIds.length) out += `  map_ids ${p.mapIds.join(',')}`;
  if (showPinned) for (const path of p.pins) out += `\n\tpinned ${path}`;
  return out + '\n';
}
