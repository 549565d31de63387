/**
 * The `struct __sk_buff` context of SOCKET_FILTER, SCHED_CLS and SCHED_ACT programs as a
 * virtual region: 4.8's verifier rewrites every ctx load and store into an access of the real
 * sk_buff, so reads here are derived from the simulated skb and writes land in it, with the
 * widths of the real fields (tc_index and tc_classid keep 16 bits). data and data_end load
 * 64-bit packet pointers. Accesses the program type may not make fault, as they would never
 * have passed the verifier. Also what the three types share: the access check every field has
 * in common, the ctx_in they take, and building a run's skb and context.
 */
import { SK_BUFF, fieldNamed } from '../../isa';
import type { AddressSpace, Region, RegionHooks } from '../../mem';
import { SKB_CTX_IN_FIELDS, VLAN_TAG_PRESENT, buildSkb, checkFrame, swab16, type Skb } from '../skb';
import type { KernelServices } from '../types';
import { refuse } from './common';
import type { CtxAccess, CtxAccessResult, ProgTypeInfo, RunContext, RunInput, RunRefused } from './types';

const off = (name: string): number => fieldNamed(SK_BUFF, name).offset;

/** Offsets of struct __sk_buff (isa's SK_BUFF) by field name; cb0 and cb4 are cb[0] and cb[4]. */
export const SkbCtx = {
  len: off('len'),
  pkt_type: off('pkt_type'),
  mark: off('mark'),
  queue_mapping: off('queue_mapping'),
  protocol: off('protocol'),
  vlan_present: off('vlan_present'),
  vlan_tci: off('vlan_tci'),
  vlan_proto: off('vlan_proto'),
  priority: off('priority'),
  ingress_ifindex: off('ingress_ifindex'),
  ifindex: off('ifindex'),
  tc_index: off('tc_index'),
  cb0: off('cb[0]'),
  cb4: off('cb[4]'),
  hash: off('hash'),
  tc_classid: off('tc_classid'),
  data: off('data'),
  data_end: off('data_end'),
};

/**
 * The low 32 bits of what a program's 4-byte load of the field at `off` gives, as an unsigned
 * number (data and data_end load 64-bit pointers: their high half is `skbFieldHigh`). No BigInt:
 * this is on every ctx load of a run.
 */
function skbFieldLow(skb: Skb, off: number): number {
  const f = skb.f;
  switch (off) {
    case SkbCtx.len:
      return skb.len;
    case SkbCtx.pkt_type:
      return f.pktType;
    case SkbCtx.mark:
      return f.mark >>> 0;
    case SkbCtx.queue_mapping:
      return f.queueMapping;
    case SkbCtx.protocol:
      // a u16 load of the __be16 field: network order read as a little-endian number
      return swab16(f.protocol);
    case SkbCtx.vlan_present:
      return (f.vlanTci >> 12) & 1;
    case SkbCtx.vlan_tci:
      return f.vlanTci & ~VLAN_TAG_PRESENT & 0xffff;
    case SkbCtx.vlan_proto:
      return swab16(f.vlanProto);
    case SkbCtx.priority:
      return f.priority >>> 0;
    case SkbCtx.ingress_ifindex:
      return f.iif >>> 0;
    case SkbCtx.ifindex:
      return f.ifindex >>> 0;
    case SkbCtx.tc_index:
      return f.tcIndex;
    case SkbCtx.hash:
      return f.hash >>> 0;
    case SkbCtx.tc_classid:
      return f.tcClassid;
    case SkbCtx.data:
      return (skb.region.lo + f.dataOff) >>> 0;
    case SkbCtx.data_end:
      return (skb.region.lo + skb.region.size) >>> 0;
    default:
      if (off >= SkbCtx.cb0 && off <= SkbCtx.cb4) return f.cb[(off - SkbCtx.cb0) >> 2] >>> 0;
      return 0;
  }
}

/** The high 32 bits of the field at `off`: the packet's upper half for data and data_end, else 0. */
const skbFieldHigh = (skb: Skb, off: number): number => (off === SkbCtx.data || off === SkbCtx.data_end ? skb.region.hi >>> 0 : 0);

/** The value a program's 4-byte load of the field at `off` gives (data/data_end: 64-bit pointers). */
function readSkbField(skb: Skb, off: number): bigint {
  const hi = skbFieldHigh(skb, off);
  const lo = BigInt(skbFieldLow(skb, off));
  return hi === 0 ? lo : (BigInt(hi) << 32n) | lo;
}

/** Performs a program's store of `v32` (the value's low 32 bits) into the field at `off` with the real field's width. */
function writeSkbField(skb: Skb, off: number, v32: number): void {
  skb.save();
  const f = skb.f;
  switch (off) {
    case SkbCtx.mark:
      f.mark = v32;
      break;
    case SkbCtx.priority:
      f.priority = v32;
      break;
    case SkbCtx.tc_index:
      f.tcIndex = v32 & 0xffff;
      break;
    case SkbCtx.tc_classid:
      f.tcClassid = v32 & 0xffff;
      break;
    default:
      if (off >= SkbCtx.cb0 && off <= SkbCtx.cb4) f.cb[(off - SkbCtx.cb0) >> 2] = v32;
  }
}

/** Whether the mirror bytes of the fields at `offs` show what the skb holds. */
function mirrorShows(bytes: Uint8Array, skb: Skb, offs: readonly number[]): boolean {
  for (const o of offs) {
    const v = skbFieldLow(skb, o);
    if (bytes[o] !== (v & 0xff) || bytes[o + 1] !== ((v >>> 8) & 0xff) || bytes[o + 2] !== ((v >>> 16) & 0xff) || bytes[o + 3] !== v >>> 24) return false;
  }
  return true;
}

/**
 * Rewrites the display mirror of the ctx region from the skb. A change goes through the space
 * (journaled), so that stepping back restores what the debugger shows too.
 */
function writeSkbMirror(mem: AddressSpace, region: Region, skb: Skb): void {
  const old = region.bytes;
  let now: Uint8Array | null = null;
  for (const field of SK_BUFF.fields) {
    const o = field.offset;
    const v = skbFieldLow(skb, o);
    if (old[o] === (v & 0xff) && old[o + 1] === ((v >>> 8) & 0xff) && old[o + 2] === ((v >>> 16) & 0xff) && old[o + 3] === v >>> 24) continue;
    now ??= old.slice(0, SK_BUFF.size);
    now[o] = v;
    now[o + 1] = v >>> 8;
    now[o + 2] = v >>> 16;
    now[o + 3] = v >>> 24;
  }
  if (now !== null) mem.writeAt(region, 0, now);
}

/** The __sk_buff fields whose values come from the frame's bytes and size (the rest of a fresh skb is ctx_in's). */
const FRAME_FIELDS = [SkbCtx.len, SkbCtx.pkt_type, SkbCtx.protocol, SkbCtx.data_end];

/** The ctx region's mirror of an skb. */
interface SkbMirror {
  /** rewrites it when the skb changed since it was last made (a helper that leaves the skb alone costs a comparison) */
  refresh(): void;
  /**
   * After Skb.reload: when nothing changed the skb since the last build or reload, only the
   * fields that come from the frame can differ, and a packet like the last one costs four comparisons.
   */
  reloaded(): void;
}

function skbMirror(mem: AddressSpace, region: Region, skb: Skb): SkbMirror {
  // the skb version the mirror was made at, and the version right after the last build or reload
  let at = -1;
  let fresh = skb.version;
  const refresh = (): void => {
    if (at === skb.version) return;
    at = skb.version;
    writeSkbMirror(mem, region, skb);
  };
  return {
    refresh,
    reloaded() {
      const untouched = at === fresh && skb.version === fresh + 1;
      fresh = skb.version;
      if (untouched && mirrorShows(region.bytes, skb, FRAME_FIELDS)) at = fresh;
      else refresh();
    },
  };
}

/** The hooks of the ctx region of a program whose type allows the accesses `access` allows, over `skb`. */
function skbCtxHooks(access: (a: CtxAccess) => CtxAccessResult, skb: Skb, refresh: () => void): RegionHooks {
  return {
    load(off, size) {
      if (!access({ off, size, write: false })) return null;
      return readSkbField(skb, off);
    },
    store(off, size, value) {
      if (!access({ off, size, write: true })) return false;
      writeSkbField(skb, off, Number(value & 0xffffffffn));
      refresh();
      return true;
    },
    loadHalves(off, size, out) {
      if (!access({ off, size, write: false })) return false;
      out[0] = skbFieldLow(skb, off);
      out[1] = skbFieldHigh(skb, off);
      return true;
    },
    storeHalves(off, size, lo) {
      if (!access({ off, size, write: true })) return false;
      writeSkbField(skb, off, lo >>> 0);
      refresh();
      return true;
    },
  };
}

/** What every __sk_buff access has in common in 4.8: inside the struct, 4 bytes, aligned. */
export const skbCommon = (a: CtxAccess): boolean => a.off >= 0 && a.off + a.size <= SK_BUFF.size && a.size === 4 && a.off % 4 === 0;

/** ctx_in of the skb types: a struct __sk_buff of which a run may set a few fields. */
export const SKB_CTX_IN: ProgTypeInfo['ctxIn'] = { kind: 'fields', layout: SK_BUFF, fields: SKB_CTX_IN_FIELDS, replaces: false };

/**
 * The skb and __sk_buff context of a run, from a whole frame and ctx_in as BPF_PROG_TEST_RUN
 * builds them; a socket filter (`atNetwork`) sees skb->data at the network header.
 */
export function buildSkbContext(kernel: KernelServices, input: RunInput, access: (a: CtxAccess) => CtxAccessResult, atNetwork: boolean): RunContext | RunRefused {
  if (!input.data) return refuse('EINVAL', 'a packet (run.data) is needed');
  const mem = kernel.mem;
  const skb = buildSkb(mem, input.data, atNetwork, input.ctx, kernel.world, input.route === true);
  if ('errno' in skb) return refuse(skb.errno, skb.message);
  const ctx = mem.map('ctx', 'ctx (__sk_buff)', new Uint8Array(SK_BUFF.size), true);
  const mirror = skbMirror(mem, ctx, skb);
  const refresh = mirror.refresh;
  ctx.hooks = skbCtxHooks(access, skb, refresh);
  refresh();
  return {
    ctx,
    packet: skb.region,
    skb,
    r1: mem.addr(ctx),
    layout: { name: SK_BUFF.name, fields: SK_BUFF.fields },
    afterHelper: refresh,
    reload(data) {
      const bad = checkFrame(data);
      if (bad) return refuse(bad.errno, bad.message);
      skb.reload(data);
      mirror.reloaded();
      return null;
    },
    packetLen: () => skb.len,
    packetOut: () => ({
      len: skb.len,
      dataOut: skb.dataOut(),
      after: (kept) => skb.frame.slice(skb.f.dataOff, skb.f.dataOff + (kept ?? skb.len)),
    }),
  };
}
