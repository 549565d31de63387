/**
 * BPF_MAP_TYPE_HASH: 4.8's htab_map_update_elem always takes a new element, links it at the
 * head of the bucket and then frees the old one, so a replaced key moves to the front of its
 * bucket, a pointer from an earlier lookup keeps pointing at the old (freed) element, and a full
 * map answers E2BIG even for a replacement.
 */
import { Errno as E } from '../../isa';
import type { Errno, MapAttr } from '../types';
import { badUpdateFlags, type MapCtx, type MapTypeOps } from './common';
import { HashTab, checkHashAttr } from './hashtab';

class HashMap extends HashTab {
  readonly userValueSize: number;

  constructor(ctx: MapCtx, attr: MapAttr) {
    super(ctx, attr, false);
    this.userValueSize = attr.valueSize;
  }

  protected userValue(s: number): Uint8Array {
    return this.readSlot(0, s, this.valueSize);
  }

  /** htab_map_update_elem, from bpf(2) and from programs alike */
  update(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno {
    if (badUpdateFlags(flags)) return -E.EINVAL;
    const old = this.find(key);
    const bad = HashTab.checkFlags(old >= 0, flags);
    if (bad) return bad;
    const s = this.allocSlot();
    if (s < 0) return -E.E2BIG;
    this.writeSlot(0, s, value, this.valueSize);
    this.linkHead(s, key);
    if (old >= 0) this.unlinkAndFree(old);
    return 0;
  }

  override updateFromProg(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno {
    return this.update(key, value, flags);
  }

  override lookupHalves(key: Uint8Array, _cpu: number, out: Int32Array): void {
    this.slotHalves(0, this.find(key), out);
  }

  override lookupAddr(key: Uint8Array): bigint {
    const s = this.find(key);
    return s < 0 ? 0n : this.slotAddr(0, s);
  }
}

export const hashOps: MapTypeOps = {
  check: (attr, env) => checkHashAttr(attr, env, false),
  create: (ctx, attr) => new HashMap(ctx, attr),
};

