/**
 * BPF_MAP_TYPE_STACK_TRACE: the storage of bpf_get_stackid (4.8's kernel/bpf/stackmap.c).
 * roundup_pow_of_two(max_entries) buckets; a stack's id is jhash2 of its instruction pointers
 * (as 32-bit words) masked to the bucket count. A bucket holds one stack: the same hash (with
 * BPF_F_FAST_STACK_CMP) or the same ips give the id back, a different stack gives -EEXIST
 * unless BPF_F_REUSE_STACKID replaces it; max_entries preallocated buckets, so -ENOMEM when
 * all are in use. From user space: lookup copies the ips (zero padded), delete frees a bucket,
 * update and GET_NEXT_KEY give EINVAL in 4.8.
 */
import { Errno as E, HelperFlag } from '../../isa';
import type { Errno, MapAttr } from '../types';
import { COST_LIMIT, MapBase, indexKey, keyIndex, type MapCreateEnv, type MapCtx, type MapTypeOps } from './common';
import { BPF_ARRAY_HEADER } from './array';
import { jhash2, roundupPowOfTwo } from './jhash';

/** sysctl kernel.perf_event_max_stack's default */
const PERF_EVENT_MAX_STACK = 127;
/** sizeof(struct stack_map_bucket) before its ips: freelist node, hash, nr */
const STACK_BUCKET_SIZE = 16;

/** stack_map_alloc's checks and cost. */
function checkStackAttr(attr: MapAttr, env: MapCreateEnv): { cost: number } | Errno {
  if (!env.privileged) return -E.EPERM;
  if (attr.mapFlags) return -E.EINVAL;
  const v = attr.valueSize;
  if (attr.maxEntries === 0 || attr.keySize !== 4 || v < 8 || v % 8 || v / 8 > PERF_EVENT_MAX_STACK) return -E.EINVAL;
  const nBuckets = roundupPowOfTwo(attr.maxEntries);
  let cost = nBuckets * 8 + BPF_ARRAY_HEADER;
  if (nBuckets === 0 || cost >= COST_LIMIT) return -E.E2BIG;
  cost += nBuckets * (v + STACK_BUCKET_SIZE);
  if (cost >= COST_LIMIT) return -E.E2BIG;
  return { cost };
}

interface StackBucket {
  hash: number;
  ips: readonly bigint[];
}

/** The u32 words jhash2 sees for u64 instruction pointers on a little-endian machine. */
function ipWords(ips: readonly bigint[]): Uint32Array {
  const w = new Uint32Array(ips.length * 2);
  ips.forEach((ip, i) => {
    const u = BigInt.asUintN(64, ip);
    w[2 * i] = Number(u & 0xffffffffn);
    w[2 * i + 1] = Number(u >> 32n);
  });
  return w;
}

export class StackTraceMap extends MapBase {
  readonly userValueSize: number;
  readonly nBuckets: number;
  private readonly buckets: (StackBucket | null)[];
  /** preallocated buckets not in use */
  private freeBuckets: number;

  constructor(ctx: MapCtx, attr: MapAttr) {
    super(ctx, attr);
    this.userValueSize = attr.valueSize;
    this.nBuckets = roundupPowOfTwo(attr.maxEntries);
    this.buckets = new Array(this.nBuckets).fill(null);
    this.freeBuckets = attr.maxEntries;
  }

  /** The deepest stack a value holds. */
  get maxDepth(): number {
    return this.valueSize / 8;
  }

  private setBucket(id: number, b: StackBucket | null): void {
    const old = this.buckets[id];
    const oldFree = this.freeBuckets;
    this.buckets[id] = b;
    this.freeBuckets += (old ? 1 : 0) - (b ? 1 : 0);
    this.mem.journal?.push(() => {
      this.buckets[id] = old;
      this.freeBuckets = oldFree;
    });
  }

  /**
   * bpf_get_stackid's storage step: `ips` are the frames after BPF_F_SKIP_FIELD_MASK, innermost
   * first (cut to the map's depth). The id, or -EEXIST / -ENOMEM / -EFAULT.
   */
  store(ips: readonly bigint[], flags: bigint): number {
    const trace = ips.slice(0, this.maxDepth);
    if (trace.length === 0) return -E.EFAULT;
    const hash = jhash2(ipWords(trace));
    const id = hash & (this.nBuckets - 1);
    const bucket = this.buckets[id];
    if (bucket && bucket.hash === hash) {
      if (flags & HelperFlag.FAST_STACK_CMP) return id;
      if (bucket.ips.length === trace.length && bucket.ips.every((ip, i) => ip === trace[i])) return id;
    }
    if (bucket && !(flags & HelperFlag.REUSE_STACKID)) return -E.EEXIST;
    // a replaced bucket goes back to the freelist only after the new one is taken
    if (this.freeBuckets === 0) return -E.ENOMEM;
    this.setBucket(id, { hash, ips: trace });
    return id;
  }

  /** The stack stored under `id`, innermost first, or null. */
  stack(id: number): readonly bigint[] | null {
    return id >= 0 && id < this.nBuckets ? (this.buckets[id]?.ips ?? null) : null;
  }

  private userValue(b: StackBucket): Uint8Array {
    const out = new Uint8Array(this.valueSize);
    const dv = new DataView(out.buffer);
    b.ips.forEach((ip, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, ip), true));
    return out;
  }

  /** bpf_stackmap_copy */
  lookup(key: Uint8Array): Uint8Array | Errno {
    const id = keyIndex(key);
    const b = id < this.nBuckets ? this.buckets[id] : null;
    return b ? this.userValue(b) : -E.ENOENT;
  }

  update(): 0 | Errno {
    return -E.EINVAL;
  }

  /** stack_map_delete_elem */
  delete(key: Uint8Array): 0 | Errno {
    const id = keyIndex(key);
    if (id >= this.nBuckets) return -E.E2BIG;
    if (!this.buckets[id]) return -E.ENOENT;
    this.setBucket(id, null);
    return 0;
  }

  getNextKey(): Uint8Array | Errno {
    return -E.EINVAL;
  }

  /** The stored stacks by id (4.8's GET_NEXT_KEY cannot list them; the UI can). */
  *entries(): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (let id = 0; id < this.nBuckets; id++) {
      const b = this.buckets[id];
      if (b) yield { key: indexKey(id), value: this.userValue(b) };
    }
  }
}

export const stackTraceOps: MapTypeOps = {
  check: checkStackAttr,
  create: (ctx, attr) => new StackTraceMap(ctx, attr),
};
