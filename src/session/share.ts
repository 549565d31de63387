/**
 * The loaded program's maps as a share link carries them (`SharedMap`): every entry of hashes,
 * the non-zero elements of arrays (a fresh array is all zeros), values as MAP_LOOKUP_ELEM copies
 * them. Maps of file descriptors and stack traces travel empty: their contents are kernel
 * objects that user space cannot write back (a lesson's slots come back with the lesson).
 *
 * Not here: encoding the link (src/share), the rest of the session (the IDE has it).
 */
import { FD_ARRAY_MAP_TYPES, MapType, VALUE_ARRAY_MAP_TYPES, bytesToHex as hex } from '../isa';
import type { Kernel } from '../kernel/kernel';
import { SHARED_LIMITS, type SharedMap } from '../protocol';
import type { Loaded } from './load';

/** maps a link cannot fill: fds mean nothing in another session, and only get_stackid writes stack traces */
const notWritable = (type: number): boolean => FD_ARRAY_MAP_TYPES.has(type) || type === MapType.StackTrace;

const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** The maps of a load with their contents now; `problems` says what a link cannot carry. */
export function sharedMaps(k: Kernel, loaded: Loaded | null): { maps: SharedMap[]; problems: string[] } {
  const maps: SharedMap[] = [];
  const problems: string[] = [];
  if (!loaded) return { maps, problems };
  for (const [name, fd] of loaded.mapsByName) {
    const m = k.mapOfFd(fd);
    if (!m) continue;
    const shared: SharedMap = { name, type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.mapFlags, entries: [] };
    maps.push(shared);
    if (notWritable(m.mapType)) continue;
    const sparse = VALUE_ARRAY_MAP_TYPES.has(m.mapType);
    for (const e of m.entries()) {
      if (sparse && isZero(e.value)) continue;
      if (shared.entries.length === SHARED_LIMITS.entriesPerMap) {
        problems.push(`map ${name} holds more than ${SHARED_LIMITS.entriesPerMap} entries, more than a link carries`);
        break;
      }
      shared.entries.push({ key: hex(e.key), value: hex(e.value.subarray(0, m.userValueSize)) });
    }
  }
  return { maps, problems };
}
