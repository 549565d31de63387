/**
 * What every map type shares: the attributes, the object's identity (id, name, kernel address),
 * the memory it accounts for, and journaling of its mutations. Map types extend `MapBase` and
 * register in maps/index.ts. Values that programs can point at live in regions of the kernel's
 * address space; structural state (buckets, slots) lives in plain arrays whose changes push
 * their undo onto `mem.journal` (as `mem.journal?.push(...)`, so that nothing is allocated
 * when no journal records).
 */
import { Errno as E, PERCPU_MAP_TYPES, UpdateFlag } from '../../isa';
import type { AddressSpace, Region } from '../../mem';
import type { BpfMap, Cgroup, Errno, LoadedProg, MapAttr, PerfEvent } from '../types';

/**
 * What an open file descriptor refers to. The kernel's table holds its own `Prog`s (kernel.ts
 * uses `FileObject<Prog>`); the maps see programs only as `LoadedProg`s.
 */
export type FileObject<P extends LoadedProg = LoadedProg> =
  | { kind: 'map'; obj: MapBase }
  | { kind: 'prog'; obj: P }
  | { kind: 'perf'; obj: PerfEvent }
  | { kind: 'cgroup'; obj: Cgroup }
  /** anything else a process has open (stdin, stdout, stderr) */
  | { kind: 'file'; obj: string };

/** The kernel's file table as the fd arrays see it. */
export interface FileTable {
  /** the object an open fd refers to */
  fdGet(fd: number): FileObject | undefined;
  /** takes a reference (EBUSY past 4.8's BPF_MAX_REFCNT) */
  hold(f: FileObject): 0 | Errno;
  release(f: FileObject): void;
  /** the id bpftool and the UI show for the object */
  idOf(f: FileObject): number;
}

/** What a map needs from the kernel it lives in. */
export interface MapCtx {
  readonly mem: AddressSpace;
  /** simulated CPUs when the map was created (per-CPU maps keep one value each) */
  readonly ncpus: number;
  readonly id: number;
  readonly addr: bigint;
  readonly name: string;
  readonly files: FileTable;
}

/** The environment MAP_CREATE's checks see. */
export interface MapCreateEnv {
  /** the caller has CAP_SYS_ADMIN */
  privileged: boolean;
  ncpus: number;
}

/** One map type: 4.8's map_alloc checks and a constructor. */
export interface MapTypeOps {
  /** the checks of the type's map_alloc: the memory the map accounts for, or a negative errno */
  check(attr: MapAttr, env: MapCreateEnv): { cost: number } | Errno;
  create(ctx: MapCtx, attr: MapAttr): MapBase;
}

const PAGE_SIZE = 4096;
/** KMALLOC_SHIFT_MAX - 1 on x86-64 with SLUB: values of 2 MiB and more are refused */
export const KMALLOC_MAX_HALF = 1 << 21;
/** U32_MAX - PAGE_SIZE: the cost bound 4.8's allocators check */
export const COST_LIMIT = 0xffffffff - PAGE_SIZE;
/** PCPU_MIN_UNIT_SIZE: the largest per-CPU value */
export const PCPU_MIN_UNIT_SIZE = 32768;

/** round_up(n, 8): how 4.8's maps size keys and elements */
export const round8 = (n: number): number => Math.ceil(n / 8) * 8;

/** BPF_MAP_UPDATE_ELEM's flags as the u64 the maps see. */
export const UPDATE = { ANY: BigInt(UpdateFlag.ANY), NOEXIST: BigInt(UpdateFlag.NOEXIST), EXIST: BigInt(UpdateFlag.EXIST) } as const;
/** 4.8's maps refuse flags above BPF_EXIST with EINVAL. */
export const badUpdateFlags = (flags: bigint): boolean => flags < 0n || flags > UPDATE.EXIST;

/** The u32 index a 4-byte array key holds. */
export const keyIndex = (key: Uint8Array): number => (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;

/** The 4-byte key of an index. */
export function indexKey(i: number): Uint8Array {
  const k = new Uint8Array(4);
  new DataView(k.buffer).setUint32(0, i >>> 0, true);
  return k;
}

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** A page of a map's entries (user-side values) and how many entries the map has. */
export interface MapPageOf {
  total: number;
  entries: { key: Uint8Array; value: Uint8Array }[];
}

/** Bytes of values (all CPUs) a chunk of a large map covers, for bpffs persistence. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * A large map cut into chunks for bpffs persistence: a save rewrites only the chunks whose stamp
 * changed. Chunk i's entries, read in chunk order, are the map's entries in GET_NEXT_KEY order.
 */
export interface MapChunks {
  /** a fingerprint of each chunk's content (computed once, when the chunks are asked for) */
  stamps: string[];
  /** chunk i's entries (an array may leave out entries that hold only zeros) */
  entries(i: number): { key: Uint8Array; value: Uint8Array }[];
}

/** A running pair of 32-bit hashes (FNV-1a and a multiply-xorshift), fed words or bytes. */
export class Stamp {
  a = 0x811c9dc5;
  b = 0x9e3779b9;

  word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    this.b = Math.imul(this.b + w, 0x85ebca6b) ^ (this.b >>> 13);
  }

  /** Feeds bytes[from, to): as 32-bit words where aligned, then byte by byte. */
  bytes(bytes: Uint8Array, from = 0, to = bytes.length): void {
    const start = bytes.byteOffset + from;
    let i = from;
    if (start % 4 === 0 && to - from >= 64) {
      const words = new Int32Array(bytes.buffer, start, (to - from) >> 2);
      for (let w = 0; w < words.length; w++) this.word(words[w]);
      i += words.length * 4;
    }
    for (; i < to; i++) this.word(bytes[i]);
    this.a = Math.imul(this.a ^ (to - from), 0x01000193);
  }

  toString(): string {
    return `${(this.a >>> 0).toString(16)}.${(this.b >>> 0).toString(16)}`;
  }
}

/** The base of every map: identity, attributes, journaling, and the regions it maps. */
export abstract class MapBase implements BpfMap {
  readonly id: number;
  name: string;
  readonly addr: bigint;
  readonly mapType: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly mapFlags: number;
  abstract readonly userValueSize: number;
  /** the bytes this map accounts for (4.8's cost), for the memory cap and bpftool's memlock */
  cost = 0;
  /** references: fds, pins and programs using the map */
  refcnt = 0;
  /** user references: fds and pins (a PROG_ARRAY is cleared when they are gone) */
  usercnt = 0;
  protected readonly mem: AddressSpace;
  protected readonly ncpus: number;
  private readonly regions: Region[] = [];

  constructor(ctx: MapCtx, attr: MapAttr) {
    this.id = ctx.id;
    this.name = ctx.name;
    this.addr = ctx.addr;
    this.mem = ctx.mem;
    this.ncpus = ctx.ncpus;
    this.mapType = attr.mapType;
    this.keySize = attr.keySize;
    this.valueSize = attr.valueSize;
    this.maxEntries = attr.maxEntries;
    this.mapFlags = attr.mapFlags;
  }

  /** Values bpf(2) copies per key: one per CPU for the per-CPU maps (userValueSize holds them all), else 1. */
  get valueCopies(): number {
    return PERCPU_MAP_TYPES.has(this.mapType) ? this.ncpus : 1;
  }

  /** Maps a value region of this map into the kernel's address space. */
  protected mapValues(size: number, label: string): Region {
    const r = this.mem.map('map_value', `map ${this.name || `id ${this.id}`} ${label}`, new Uint8Array(size), true);
    this.regions.push(r);
    return r;
  }

  /** Releases the map's memory (the last reference is gone). */
  free(): void {
    for (const r of this.regions) this.mem.unmap(r);
    this.regions.length = 0;
  }

  /**
   * A fingerprint of what the map holds, for bpffs persistence to skip a map that has not changed
   * since its last save (a program writes values through pointers, so this reads the values
   * themselves); null: the map is written afresh at every save.
   */
  contentStamp(): string | null {
    return null;
  }

  /** Two 32-bit hashes over the bytes of the map's value regions. */
  protected valuesStamp(): string {
    const st = new Stamp();
    for (const r of this.regions) st.bytes(r.bytes);
    return st.toString();
  }

  /**
   * The map in chunks of about CHUNK_BYTES, for bpffs persistence to rewrite only what changed;
   * null (the default, and for maps of one chunk): the map is saved as one record.
   */
  chunks(): MapChunks | null {
    return null;
  }

  /** Drops what the map holds on other objects (PROG_ARRAY slots when user references end). */
  clear(): void {}

  abstract lookup(key: Uint8Array): Uint8Array | Errno;
  abstract update(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno;
  abstract delete(key: Uint8Array): 0 | Errno;
  abstract getNextKey(key: Uint8Array | null): Uint8Array | Errno;
  abstract entries(): Iterable<{ key: Uint8Array; value: Uint8Array }>;

  /**
   * The entries [offset, offset + limit) in GET_NEXT_KEY order and how many there are. This walks
   * them all; array and hash maps override it with a page that costs O(page).
   */
  page(offset: number, limit: number): MapPageOf {
    const entries: MapPageOf['entries'] = [];
    let total = 0;
    for (const e of this.entries()) {
      if (total >= offset && total < offset + limit) entries.push(e);
      total++;
    }
    return { total, entries };
  }

  lookupAddr?(key: Uint8Array, cpu: number): bigint;
  lookupHalves?(key: Uint8Array, cpu: number, out: Int32Array): void;
  updateFromProg?(key: Uint8Array, value: Uint8Array, flags: bigint, cpu: number): 0 | Errno;
  deleteFromProg?(key: Uint8Array): 0 | Errno;
}

/** Puts the address of byte `offset` of `r` into out[0] (low) and out[1] (high), as AddressSpace.addr gives it. */
export function addrHalves(r: Region, offset: number, out: Int32Array): void {
  out[0] = (r.lo + offset) | 0;
  out[1] = r.hi | 0;
}

/** 4.8's array-style GET_NEXT_KEY: a missing or out-of-range index restarts at 0. */
export function arrayNextKey(maxEntries: number, key: Uint8Array | null): Uint8Array | Errno {
  const index = key === null ? maxEntries : keyIndex(key);
  if (index >= maxEntries) return indexKey(0);
  if (index === maxEntries - 1) return -E.ENOENT;
  return indexKey(index + 1);
}
