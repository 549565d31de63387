/**
 * The hash table behind HASH and PERCPU_HASH, as 4.8's kernel/bpf/hashtab.c lays it out:
 * roundup_pow_of_two(max_entries) buckets, a key's bucket is jhash(key, key_size, 0) masked, a
 * new element goes to the head of its bucket, and GET_NEXT_KEY walks buckets in index order,
 * each from its head (so: newest first within a bucket). That is the documented iteration order.
 *
 * Elements live in max_entries slots (the preallocated element array of 4.8); a stack of free
 * slots plays the freelist, so a full map refuses even a replacement of a plain hash element
 * with E2BIG, since 4.8 allocates the new element before it frees the old one. With
 * BPF_F_NO_PREALLOC the kernel counts elements instead; the answers are the same.
 * Non-goals: the per-CPU freelist's exact slot order (addresses differ from a real kernel).
 */
import { BPF_F_NO_PREALLOC, Errno as E, MAX_BPF_STACK } from '../../isa';
import { COPY_COST, UNDO_COST, type Region } from '../../mem';
import type { Errno, MapAttr } from '../types';
import { CHUNK_BYTES, COST_LIMIT, KMALLOC_MAX_HALF, MapBase, PCPU_MIN_UNIT_SIZE, Stamp, UPDATE, addrHalves, bytesEqual, round8, type MapChunks, type MapCreateEnv, type MapCtx, type MapPageOf } from './common';
import { jhash, roundupPowOfTwo } from './jhash';

/** sizeof(struct htab_elem) in 4.8 on x86-64: hash_node, rcu head, hash, key aligned to 8 */
const HTAB_ELEM_SIZE = 40;
/** sizeof(struct bucket): hlist_head and a raw spinlock */
const BUCKET_SIZE = 16;

/** htab_map_alloc's checks and cost. */
export function checkHashAttr(attr: MapAttr, env: MapCreateEnv, percpu: boolean): { cost: number } | Errno {
  if (attr.mapFlags & ~BPF_F_NO_PREALLOC) return -E.EINVAL;
  if (attr.maxEntries === 0 || attr.keySize === 0 || attr.valueSize === 0) return -E.EINVAL;
  const nBuckets = roundupPowOfTwo(attr.maxEntries);
  if (attr.keySize > MAX_BPF_STACK) return -E.E2BIG;
  if (attr.valueSize >= KMALLOC_MAX_HALF - MAX_BPF_STACK - HTAB_ELEM_SIZE) return -E.E2BIG;
  if (percpu && round8(attr.valueSize) > PCPU_MIN_UNIT_SIZE) return -E.E2BIG;
  if (nBuckets === 0 || nBuckets > Math.floor(0xffffffff / BUCKET_SIZE)) return -E.E2BIG;
  const elemSize = HTAB_ELEM_SIZE + round8(attr.keySize) + (percpu ? 8 : round8(attr.valueSize));
  let cost = nBuckets * BUCKET_SIZE + elemSize * attr.maxEntries;
  if (percpu) cost += round8(attr.valueSize) * env.ncpus * attr.maxEntries;
  if (cost >= COST_LIMIT) return -E.E2BIG;
  return { cost };
}

export abstract class HashTab extends MapBase {
  readonly nBuckets: number;
  readonly prealloc: boolean;
  /** slot indices per bucket, head first; replaced (never mutated) so undo can restore a reference */
  private readonly buckets: number[][];
  private readonly keys: (Uint8Array | null)[];
  private readonly hashes: Uint32Array;
  /** free slots, popped from the end */
  private readonly freeSlots: number[];
  /** counts changes of which elements the buckets hold (links, unlinks and their undoing) */
  private layoutGen = 0;
  /** where recent pages began and ended: (offset -> bucket, position) under one layout */
  private cursors: { gen: number; offset: number; bucket: number; pos: number }[] = [];
  /** bytes between two slots' values */
  protected readonly stride: number;
  /** one region for a plain hash, one per CPU for a per-CPU hash */
  protected readonly values: Region[];

  constructor(ctx: MapCtx, attr: MapAttr, percpu: boolean) {
    super(ctx, attr);
    this.nBuckets = roundupPowOfTwo(attr.maxEntries);
    this.prealloc = (attr.mapFlags & BPF_F_NO_PREALLOC) === 0;
    this.buckets = Array.from({ length: this.nBuckets }, () => []);
    this.keys = new Array(attr.maxEntries).fill(null);
    this.hashes = new Uint32Array(attr.maxEntries);
    this.freeSlots = Array.from({ length: attr.maxEntries }, (_, i) => attr.maxEntries - 1 - i);
    this.stride = round8(attr.valueSize);
    const n = percpu ? ctx.ncpus : 1;
    this.values = Array.from({ length: n }, (_, cpu) =>
      this.mapValues(this.stride * attr.maxEntries, percpu ? `values (cpu ${cpu})` : 'values'),
    );
  }

  /** Number of elements in the map. */
  get count(): number {
    return this.maxEntries - this.freeSlots.length;
  }

  /** The slot holding `key`, or -1. */
  protected find(key: Uint8Array): number {
    const h = jhash(key);
    for (const s of this.buckets[h & (this.nBuckets - 1)]) {
      if (this.hashes[s] === h && bytesEqual(this.keys[s]!, key)) return s;
    }
    return -1;
  }

  /** Takes a free slot (the freelist pop / element count of 4.8), or -1 when the map is full. */
  protected allocSlot(): number {
    const s = this.freeSlots.pop();
    if (s === undefined) return -1;
    this.mem.journal?.push(() => this.freeSlots.push(s));
    return s;
  }

  /** Links slot `s`, holding `key`, at the head of its bucket. */
  protected linkHead(s: number, key: Uint8Array): void {
    const h = jhash(key);
    const b = h & (this.nBuckets - 1);
    const oldBucket = this.buckets[b];
    const oldKey = this.keys[s];
    const oldHash = this.hashes[s];
    this.buckets[b] = [s, ...oldBucket];
    this.keys[s] = key.slice();
    this.hashes[s] = h;
    this.layoutGen++;
    // the undo keeps the old bucket and key alive: count them with it
    this.mem.journal?.push(() => {
      this.layoutGen++;
      this.buckets[b] = oldBucket;
      this.keys[s] = oldKey;
      this.hashes[s] = oldHash;
    }, UNDO_COST + COPY_COST + key.length + 8 * oldBucket.length);
  }

  /** Unlinks slot `s` from its bucket and returns it to the free slots. */
  protected unlinkAndFree(s: number): void {
    const b = this.hashes[s] & (this.nBuckets - 1);
    const oldBucket = this.buckets[b];
    const oldKey = this.keys[s];
    this.buckets[b] = oldBucket.filter((x) => x !== s);
    this.keys[s] = null;
    this.freeSlots.push(s);
    this.layoutGen++;
    this.mem.journal?.push(() => {
      this.layoutGen++;
      this.freeSlots.pop();
      this.keys[s] = oldKey;
      this.buckets[b] = oldBucket;
    });
  }

  /** Writes `len` bytes of `value` into slot `s` of one CPU's region (journaled by the space). */
  protected writeSlot(cpu: number, s: number, value: Uint8Array, len: number): void {
    this.mem.writeAt(this.values[cpu], s * this.stride, value.subarray(0, len));
  }

  protected readSlot(cpu: number, s: number, len: number): Uint8Array {
    const off = s * this.stride;
    return this.values[cpu].bytes.slice(off, off + len);
  }

  /** The address of slot `s` in one CPU's region. */
  /** The address of slot `s`'s value on `cpu` as halves (0, 0 for no slot or no such CPU). */
  protected slotHalves(cpu: number, s: number, out: Int32Array): void {
    if (s < 0 || cpu < 0 || cpu >= this.values.length) out[0] = out[1] = 0;
    else addrHalves(this.values[cpu], s * this.stride, out);
  }

  protected slotAddr(cpu: number, s: number): bigint {
    return this.mem.addr(this.values[cpu], s * this.stride);
  }

  /** htab_map_delete_elem */
  delete(key: Uint8Array): 0 | Errno {
    const s = this.find(key);
    if (s < 0) return -E.ENOENT;
    this.unlinkAndFree(s);
    return 0;
  }

  override deleteFromProg(key: Uint8Array): 0 | Errno {
    return this.delete(key);
  }

  /** htab_map_get_next_key: the next element of the bucket, else the head of a later bucket. */
  getNextKey(key: Uint8Array | null): Uint8Array | Errno {
    let b = 0;
    if (key !== null) {
      const s = this.find(key);
      if (s >= 0) {
        const bucket = this.buckets[this.hashes[s] & (this.nBuckets - 1)];
        const next = bucket[bucket.indexOf(s) + 1];
        if (next !== undefined) return this.keys[next]!.slice();
        b = (this.hashes[s] & (this.nBuckets - 1)) + 1;
      }
    }
    for (; b < this.nBuckets; b++) {
      const head = this.buckets[b][0];
      if (head !== undefined) return this.keys[head]!.slice();
    }
    return -E.ENOENT;
  }

  /**
   * A page in GET_NEXT_KEY order from the nearest cursor a recent page left (the page before, or
   * this page shown again after a step), else from the first bucket: O(page) for the pages a
   * table asks for, and never more than one pass over the buckets (not the elements).
   */
  override page(offset: number, limit: number): MapPageOf {
    const total = this.count;
    const entries: MapPageOf['entries'] = [];
    let at = { gen: this.layoutGen, offset: 0, bucket: 0, pos: 0 };
    for (const c of this.cursors) if (c.gen === this.layoutGen && c.offset <= offset && c.offset >= at.offset) at = c;
    let { bucket: b, pos: p, offset: n } = at;
    while (n < offset && b < this.nBuckets) {
      const left = this.buckets[b].length - p;
      if (n + left <= offset) {
        n += left;
        b++;
        p = 0;
      } else {
        p += offset - n;
        n = offset;
      }
    }
    this.remember(n, b, p);
    for (; entries.length < limit && b < this.nBuckets; b++, p = 0) {
      const bucket = this.buckets[b];
      for (; p < bucket.length && entries.length < limit; p++) entries.push({ key: this.keys[bucket[p]]!.slice(), value: this.userValue(bucket[p]) });
      if (entries.length === limit) break;
    }
    this.remember(n + entries.length, b, p);
    return { total, entries };
  }

  /** Which elements the buckets hold (the layout) and the values' bytes. */
  override contentStamp(): string {
    return `${this.layoutGen}:${this.valuesStamp()}`;
  }

  /**
   * Chunks of consecutive buckets (their elements in GET_NEXT_KEY order); a chunk's stamp reads
   * its elements' keys and values, in order.
   */
  override chunks(): MapChunks | null {
    const per = Math.max(1, Math.floor(CHUNK_BYTES / (this.stride * this.values.length + this.keySize)));
    const n = Math.ceil(this.nBuckets / per);
    if (n < 2) return null;
    const stamps: string[] = [];
    for (let i = 0; i < n; i++) {
      const st = new Stamp();
      for (let b = i * per; b < Math.min(this.nBuckets, (i + 1) * per); b++) {
        for (const s of this.buckets[b]) {
          st.bytes(this.keys[s]!);
          for (const r of this.values) st.bytes(r.bytes, s * this.stride, (s + 1) * this.stride);
        }
      }
      stamps.push(st.toString());
    }
    const entries = (i: number): MapPageOf['entries'] => {
      const out: MapPageOf['entries'] = [];
      for (let b = i * per; b < Math.min(this.nBuckets, (i + 1) * per); b++) {
        for (const s of this.buckets[b]) out.push({ key: this.keys[s]!.slice(), value: this.userValue(s) });
      }
      return out;
    };
    return { stamps, entries };
  }

  private remember(offset: number, bucket: number, pos: number): void {
    this.cursors = [{ gen: this.layoutGen, offset, bucket, pos }, ...this.cursors.filter((c) => c.gen === this.layoutGen && c.offset !== offset)].slice(0, 8);
  }

  /** Every element in GET_NEXT_KEY order, with its user-side value. */
  *entries(): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (const bucket of this.buckets) {
      for (const s of bucket) yield { key: this.keys[s]!.slice(), value: this.userValue(s) };
    }
  }

  lookup(key: Uint8Array): Uint8Array | Errno {
    const s = this.find(key);
    return s < 0 ? -E.ENOENT : this.userValue(s);
  }

  /** The value of slot `s` as bpf(2) copies it out. */
  protected abstract userValue(s: number): Uint8Array;

  /** The 4.8 check_flags: EEXIST / ENOENT against an existing element. */
  protected static checkFlags(exists: boolean, flags: bigint): 0 | Errno {
    if (exists && flags === UPDATE.NOEXIST) return -E.EEXIST;
    if (!exists && flags === UPDATE.EXIST) return -E.ENOENT;
    return 0;
  }
}
