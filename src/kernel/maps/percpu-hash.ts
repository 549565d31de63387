/**
 * BPF_MAP_TYPE_PERCPU_HASH: one value per simulated CPU. bpf(2) copies round_up(value_size, 8)
 * bytes per CPU in and out; a program sees and updates its own CPU's copy. Unlike the plain
 * hash, 4.8 updates an existing element in place (no E2BIG for a replacement, the element keeps
 * its place in the bucket). A new element created from a program sets only its CPU's copy: the
 * others keep what the reused preallocated slot held, or zeros with BPF_F_NO_PREALLOC.
 */
import { Errno as E } from '../../isa';
import type { Errno, MapAttr } from '../types';
import { badUpdateFlags, type MapCtx, type MapTypeOps } from './common';
import { HashTab, checkHashAttr } from './hashtab';

class PercpuHashMap extends HashTab {
  readonly userValueSize: number;

  constructor(ctx: MapCtx, attr: MapAttr) {
    super(ctx, attr, true);
    this.userValueSize = this.stride * ctx.ncpus;
  }

  protected userValue(s: number): Uint8Array {
    const out = new Uint8Array(this.userValueSize);
    for (let cpu = 0; cpu < this.ncpus; cpu++) out.set(this.readSlot(cpu, s, this.stride), cpu * this.stride);
    return out;
  }

  /** __htab_percpu_map_update_elem with onallcpus: the user value holds every CPU's copy */
  update(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno {
    return this.updateCpus(key, flags, (s) => {
      for (let cpu = 0; cpu < this.ncpus; cpu++) {
        this.writeSlot(cpu, s, value.subarray(cpu * this.stride), this.stride);
      }
    });
  }

  /** __htab_percpu_map_update_elem from a program: this CPU's copy only */
  override updateFromProg(key: Uint8Array, value: Uint8Array, flags: bigint, cpu: number): 0 | Errno {
    if (cpu < 0 || cpu >= this.ncpus) return -E.EINVAL;
    return this.updateCpus(key, flags, (s, fresh) => {
      if (fresh && !this.prealloc) {
        const zero = new Uint8Array(this.stride);
        for (let c = 0; c < this.ncpus; c++) if (c !== cpu) this.writeSlot(c, s, zero, this.stride);
      }
      this.writeSlot(cpu, s, value, this.valueSize);
    });
  }

  private updateCpus(key: Uint8Array, flags: bigint, write: (slot: number, fresh: boolean) => void): 0 | Errno {
    if (badUpdateFlags(flags)) return -E.EINVAL;
    const old = this.find(key);
    const bad = HashTab.checkFlags(old >= 0, flags);
    if (bad) return bad;
    if (old >= 0) {
      write(old, false);
      return 0;
    }
    const s = this.allocSlot();
    if (s < 0) return -E.E2BIG;
    write(s, true);
    this.linkHead(s, key);
    return 0;
  }

  override lookupHalves(key: Uint8Array, cpu: number, out: Int32Array): void {
    this.slotHalves(cpu, cpu < 0 || cpu >= this.ncpus ? -1 : this.find(key), out);
  }

  override lookupAddr(key: Uint8Array, cpu: number): bigint {
    if (cpu < 0 || cpu >= this.ncpus) return 0n;
    const s = this.find(key);
    return s < 0 ? 0n : this.slotAddr(cpu, s);
  }
}

export const percpuHashOps: MapTypeOps = {
  check: (attr, env) => checkHashAttr(attr, env, true),
  create: (ctx, attr) => new PercpuHashMap(ctx, attr),
};
