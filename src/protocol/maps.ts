/** Maps as the inspectors see them: metadata, pages of entries, and edits. */

export interface MapInfo {
  /** kernel object id (bpftool's `id N`) */
  id: number;
  name: string;
  /** enum bpf_map_type */
  type: number;
  typeName: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** bytes of a value as bpf(2) copies it: per-CPU maps hold round_up(value_size, 8) per CPU */
  userValueSize: number;
  /** CPUs whose values a per-CPU map holds (1 for other maps) */
  ncpus: number;
  /** number of entries (for arrays: max_entries) */
  count: number;
  /** paths under /sys/fs/bpf where the map is pinned */
  pins: string[];
}

/**
 * A pin stored in bpffs but not restored in this kernel (its map does not fit here, or a program's
 * map did not): kept in storage, listed with the reason (as `ls /sys/fs/bpf` does), back in a
 * kernel where it fits, removed only by the user.
 */
export interface UnavailablePinView {
  /** the pin's path under /sys/fs/bpf */
  path: string;
  kind: 'map' | 'prog';
  reason: string;
}

/** A perf event record written by bpf_perf_event_output. */
interface PerfRecordView {
  cpu: number;
  data: Uint8Array;
}

/** A stack frame of a STACK_TRACE entry, with its symbol. */
interface FrameView {
  ip: bigint;
  symbol: string;
}

export interface MapEntryView {
  key: Uint8Array;
  /** the value as MAP_LOOKUP_ELEM copies it; null for an empty slot of a fd array */
  value: Uint8Array | null;
  /** PROG_ARRAY: the program in the slot */
  prog?: { id: number; name: string };
  /** STACK_TRACE: the frames, innermost first */
  frames?: FrameView[];
  /** PERF_EVENT_ARRAY: the records waiting in the ring buffer of the event in this slot */
  records?: PerfRecordView[];
  /** PERF_EVENT_ARRAY: samples the event's ring had no room for, since it was opened */
  lost?: number;
}

export interface MapPageRequest {
  mapId: number;
  offset: number;
  limit: number;
}

export interface MapPage {
  mapId: number;
  /** entries in the map (the length of the whole list being paged) */
  total: number;
  offset: number;
  entries: MapEntryView[];
}

export interface MapUpdateRequest {
  mapId: number;
  key: Uint8Array;
  value: Uint8Array;
  /** BPF_ANY 0, BPF_NOEXIST 1, BPF_EXIST 2 */
  flags: number;
}

export interface MapDeleteRequest {
  mapId: number;
  key: Uint8Array;
}

/** A map command's result as bpf(2) gives it: 0 or a positive errno. */
export interface MapEditResult {
  errno: number;
  errnoName: string;
  map?: MapInfo;
}
