/**
 * BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (4.8's kernel/bpf/arraymap.c): max_entries
 * zero-initialised values of round_up(value_size, 8) bytes, indexed by a u32 key. Every index
 * exists: NOEXIST gives EEXIST, delete gives EINVAL, an index past the end E2BIG on update and
 * ENOENT on lookup. The per-CPU variant keeps one region per CPU.
 */
import { Errno as E } from '../../isa';
import type { Region } from '../../mem';
import type { Errno, MapAttr } from '../types';
import {
  COST_LIMIT,
  KMALLOC_MAX_HALF,
  CHUNK_BYTES,
  MapBase,
  Stamp,
  addrHalves,
  arrayNextKey,
  indexKey,
  keyIndex,
  round8,
  badUpdateFlags,
  UPDATE,
  type MapCreateEnv,
  type MapChunks,
  type MapCtx,
  type MapPageOf,
  type MapTypeOps,
} from './common';

/** sizeof(struct bpf_array) before its values in 4.8 (the map header and owner fields) */
export const BPF_ARRAY_HEADER = 112;

/** array_map_alloc's checks and cost. */
export function checkArrayAttr(attr: MapAttr, env: MapCreateEnv, percpu: boolean): { cost: number } | Errno {
  if (attr.maxEntries === 0 || attr.keySize !== 4 || attr.valueSize === 0 || attr.mapFlags) return -E.EINVAL;
  if (attr.valueSize >= KMALLOC_MAX_HALF) return -E.E2BIG;
  const elemSize = round8(attr.valueSize);
  const arraySize = BPF_ARRAY_HEADER + attr.maxEntries * (percpu ? 8 : elemSize);
  if (arraySize >= COST_LIMIT) return -E.ENOMEM;
  // 4.8 charges only the array itself; the simulation also holds the per-CPU copies
  return { cost: arraySize + (percpu ? elemSize * env.ncpus * attr.maxEntries : 0) };
}

export class ArrayMap extends MapBase {
  readonly userValueSize: number;
  readonly percpu: boolean;
  private readonly stride: number;
  private readonly values: Region[];

  constructor(ctx: MapCtx, attr: MapAttr, percpu: boolean) {
    super(ctx, attr);
    this.percpu = percpu;
    this.stride = round8(attr.valueSize);
    this.userValueSize = percpu ? this.stride * ctx.ncpus : attr.valueSize;
    const n = percpu ? ctx.ncpus : 1;
    this.values = Array.from({ length: n }, (_, cpu) =>
      this.mapValues(this.stride * attr.maxEntries, percpu ? `values (cpu ${cpu})` : 'values'),
    );
  }

  private read(cpu: number, index: number, len: number): Uint8Array {
    const off = index * this.stride;
    return this.values[cpu].bytes.slice(off, off + len);
  }

  private userValue(index: number): Uint8Array {
    if (!this.percpu) return this.read(0, index, this.valueSize);
    const out = new Uint8Array(this.userValueSize);
    for (let cpu = 0; cpu < this.ncpus; cpu++) out.set(this.read(cpu, index, this.stride), cpu * this.stride);
    return out;
  }

  lookup(key: Uint8Array): Uint8Array | Errno {
    const index = keyIndex(key);
    return index >= this.maxEntries ? -E.ENOENT : this.userValue(index);
  }

  /** The checks of array_map_update_elem: flags, then the index, then NOEXIST. */
  private check(index: number, flags: bigint): 0 | Errno {
    if (badUpdateFlags(flags)) return -E.EINVAL;
    if (index >= this.maxEntries) return -E.E2BIG;
    if (flags === UPDATE.NOEXIST) return -E.EEXIST;
    return 0;
  }

  update(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno {
    const index = keyIndex(key);
    const bad = this.check(index, flags);
    if (bad) return bad;
    if (!this.percpu) {
      this.mem.writeAt(this.values[0], index * this.stride, value.subarray(0, this.valueSize));
    } else {
      for (let cpu = 0; cpu < this.ncpus; cpu++) {
        this.mem.writeAt(this.values[cpu], index * this.stride, value.subarray(cpu * this.stride, (cpu + 1) * this.stride));
      }
    }
    return 0;
  }

  override updateFromProg(key: Uint8Array, value: Uint8Array, flags: bigint, cpu: number): 0 | Errno {
    const index = keyIndex(key);
    const bad = this.check(index, flags);
    if (bad) return bad;
    const c = this.percpu ? cpu : 0;
    if (c < 0 || c >= this.values.length) return -E.EINVAL;
    this.mem.writeAt(this.values[c], index * this.stride, value.subarray(0, this.valueSize));
    return 0;
  }

  delete(): 0 | Errno {
    return -E.EINVAL;
  }

  override deleteFromProg(): 0 | Errno {
    return -E.EINVAL;
  }

  getNextKey(key: Uint8Array | null): Uint8Array | Errno {
    return arrayNextKey(this.maxEntries, key);
  }

  *entries(): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (let i = 0; i < this.maxEntries; i++) yield { key: indexKey(i), value: this.userValue(i) };
  }

  override contentStamp(): string {
    return this.valuesStamp();
  }

  /** Chunks of consecutive indexes (holding only the indexes that are not all zeros: what a save keeps); a stamp reads the chunk's bytes on every CPU. */
  override chunks(): MapChunks | null {
    const per = Math.max(1, Math.floor(CHUNK_BYTES / (this.stride * this.values.length)));
    const n = Math.ceil(this.maxEntries / per);
    if (n < 2) return null;
    const stamps: string[] = [];
    for (let i = 0; i < n; i++) {
      const st = new Stamp();
      const from = i * per * this.stride;
      const to = Math.min(this.maxEntries, (i + 1) * per) * this.stride;
      for (const r of this.values) st.bytes(r.bytes, from, to);
      stamps.push(st.toString());
    }
    const entries = (i: number): MapPageOf['entries'] => {
      const out: MapPageOf['entries'] = [];
      for (let j = i * per; j < Math.min(this.maxEntries, (i + 1) * per); j++) if (!this.zeroAt(j)) out.push({ key: indexKey(j), value: this.userValue(j) });
      return out;
    };
    return { stamps, entries };
  }

  /** Whether index `j` holds zeros on every CPU. */
  private zeroAt(j: number): boolean {
    for (const r of this.values) {
      const b = r.bytes;
      for (let o = j * this.stride, end = o + this.stride; o < end; o++) if (b[o] !== 0) return false;
    }
    return true;
  }

  /** A page indexes the values directly: O(page), whatever the size of the array. */
  override page(offset: number, limit: number): MapPageOf {
    const entries: MapPageOf['entries'] = [];
    for (let i = offset; i < Math.min(this.maxEntries, offset + limit); i++) entries.push({ key: indexKey(i), value: this.userValue(i) });
    return { total: this.maxEntries, entries };
  }

  override lookupHalves(key: Uint8Array, cpu: number, out: Int32Array): void {
    const index = keyIndex(key);
    const c = this.percpu ? cpu : 0;
    if (index >= this.maxEntries || c < 0 || c >= this.values.length) out[0] = out[1] = 0;
    else addrHalves(this.values[c], index * this.stride, out);
  }

  override lookupAddr(key: Uint8Array, cpu: number): bigint {
    const index = keyIndex(key);
    const c = this.percpu ? cpu : 0;
    if (index >= this.maxEntries || c < 0 || c >= this.values.length) return 0n;
    return this.mem.addr(this.values[c], index * this.stride);
  }
}

export const arrayOps: MapTypeOps = {
  check: (attr, env) => checkArrayAttr(attr, env, false),
  create: (ctx, attr) => new ArrayMap(ctx, attr, false),
};
