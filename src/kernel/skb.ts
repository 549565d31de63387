/**
 * The simulated sk_buff of a run, built from a packet the way BPF_PROG_TEST_RUN builds it
 * (docs/kernel.md, "The run side"): a linear buffer from the MAC header to the tail, the device
 * loopback, `protocol` from eth_type_trans, `pkt_type` against loopback's all-zero address.
 * Socket filters see skb->data at the network header; tc programs at the Ethernet header.
 *
 * The packet bytes are the backing bytes of a `packet` region of the run's address space, so
 * direct packet access, helpers and the debugger all see one buffer. Every change goes through
 * this class so that it is journaled for stepping back. Non-goals: paged (non-linear) skbs,
 * GSO, and checksum offload (the skb is always CHECKSUM_NONE, as in the test run).
 */
import { SK_BUFF, fieldNamed } from '../isa';
import { leValue, refill, type AddressSpace, type Region } from '../mem';
import type { TunnelInfo, World } from './types';

export const ETH_HLEN = 14;
export const VLAN_HLEN = 4;
export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
const ETH_P_802_3 = 0x0001;
const ETH_P_802_2 = 0x0004;
/** 4.8 keeps "a VLAN tag is present" in bit 12 of skb->vlan_tci (the DEI/CFI bit) */
export const VLAN_TAG_PRESENT = 0x1000;
const PACKET_HOST = 0;
const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
/** BPF_PROG_TEST_RUN's data size bounds for skb programs */
export const MIN_FRAME = ETH_HLEN;
export const MAX_FRAME = 3712;
/** the loopback device, skb->dev of every test-run skb */
const LOOPBACK_IFINDEX = 1;

/** The 16 bits of `v` byte-swapped (ntohs/htons of a __be16 read as a little-endian number). */
export const swab16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

/** Whether the world has a net device with this ifindex (loopback always exists). */
export const deviceExists = (world: World, ifindex: number): boolean =>
  ifindex === LOOPBACK_IFINDEX || world.netDevices.some((d) => d.ifindex === ifindex);

/** The sk_buff fields a program or a helper can observe, besides the bytes. */
interface SkbFields {
  /** skb->data - skb->mac_header: 0 for tc, 14 for socket filters */
  dataOff: number;
  /** skb->network_header - skb->mac_header */
  netOff: number;
  /** skb->protocol in host order (0x0800 for IPv4) */
  protocol: number;
  pktType: number;
  mark: number;
  priority: number;
  queueMapping: number;
  /** skb->vlan_tci with 4.8's VLAN_TAG_PRESENT bit */
  vlanTci: number;
  /** skb->vlan_proto in host order */
  vlanProto: number;
  /** skb->dev->ifindex */
  ifindex: number;
  /** skb->skb_iif (ctx ingress_ifindex) */
  iif: number;
  tcIndex: number;
  /** qdisc_skb_cb(skb)->tc_classid, 16 bits */
  tcClassid: number;
  /** qdisc_skb_cb(skb)->data as cb[0..4] */
  cb: number[];
  hash: number;
  /** skb->dst is a route (get_route_realm answers the world's realm); false for test-run skbs */
  route: boolean;
  /** tunnel metadata (skb_tunnel_info), null when the packet has none */
  tunnel: TunnelInfo | null;
}

const cloneFields = (f: SkbFields): SkbFields => ({ ...f, cb: [...f.cb], tunnel: f.tunnel && cloneTunnel(f.tunnel) });

/**
 * Puts `from`'s values in `f` (in place: the skb keeps its one fields object across a replay's
 * packets). Every field, whatever SkbFields holds; cb[] and the tunnel are copied, not shared.
 */
function copyFields(f: SkbFields, from: SkbFields): void {
  const cb = f.cb;
  Object.assign(f, from);
  for (let i = 0; i < cb.length; i++) cb[i] = from.cb[i];
  f.cb = cb;
  f.tunnel = from.tunnel && cloneTunnel(from.tunnel);
}

/** The fields eth_type_trans and the device derive from the frame's bytes. */
function setFrameFields(f: SkbFields, frame: Uint8Array): void {
  f.protocol = ethTypeTrans(frame);
  f.pktType = pktTypeOf(frame);
}

/** A deep copy of tunnel metadata (it is replaced, never edited in place, but callers may keep it). */
export function cloneTunnel(t: TunnelInfo): TunnelInfo {
  return { ...t, src: t.src.slice(), dst: t.dst.slice(), flags: [...t.flags], options: t.options.slice() };
}

export class Skb {
  /** the packet: region bytes are the frame from the MAC header to the tail */
  readonly region: Region;
  f: SkbFields;
  /**
   * Counts the changes announced by save() (every change of the fields or the buffer calls it
   * first): a view derived from the skb (the ctx's display mirror) is up to date while this
   * number is the one it was made at. It only grows; undoing a change restores the view with it.
   */
  version = 0;

  /** the fields as the test run built them, before the program ran (reload starts the next packet from them) */
  private readonly start: SkbFields;
  /** `version` right after the build or the last reload: while it is the same, the fields are still `start`'s (and the frame's) */
  private fresh = 0;

  constructor(
    private readonly mem: AddressSpace,
    region: Region,
    fields: SkbFields,
  ) {
    this.region = region;
    this.f = fields;
    this.start = cloneFields(fields);
  }

  /**
   * Makes this skb the one the test run builds from the next frame `data` (which checkFrame
   * accepted) with the same ctx_in: every field back to how the build left it (copied only when
   * something changed one), the frame's bytes in
   * the region (its buffer reused when the size is the same). Nothing is journaled: a replay
   * records nothing.
   */
  reload(data: Uint8Array): void {
    // every change of the fields announces itself with save(), which counts a version
    if (this.version !== this.fresh) copyFields(this.f, this.start);
    this.fresh = ++this.version;
    setFrameFields(this.f, data);
    refill(this.region, data);
  }

  /** the bytes from the MAC header to the tail */
  get frame(): Uint8Array {
    return this.region.bytes;
  }

  /** skb->len: the bytes from skb->data to the tail */
  get len(): number {
    return this.region.size - this.f.dataOff;
  }

  /** Address of skb->data. */
  get dataAddr(): bigint {
    return this.mem.addr(this.region, this.f.dataOff);
  }

  /** Address one past the last byte (data_end). */
  get dataEndAddr(): bigint {
    return this.mem.addr(this.region, this.region.size);
  }

  /** Records the current state (fields and buffer) so that stepping back restores it; call before any change. */
  save(): void {
    this.version++;
    const j = this.mem.journal;
    if (!j) return;
    const fields = cloneFields(this.f);
    const region = this.region;
    const bytes = region.bytes;
    const size = region.size;
    j.push(() => {
      this.f = fields;
      region.bytes = bytes;
      region.size = size;
    });
  }

  /** Overwrites bytes of the frame at a MAC-relative offset (journaled byte by byte by the space). */
  write(frameOff: number, data: Uint8Array): void {
    this.mem.writeAt(this.region, frameOff, data);
  }

  /** Inserts `n` zero bytes at MAC-relative offset `at` (a new buffer: old packet pointers go stale). */
  insert(at: number, n: number): void {
    this.save();
    const old = this.frame;
    const out = new Uint8Array(old.length + n);
    out.set(old.subarray(0, at), 0);
    out.set(old.subarray(at), at + n);
    this.region.bytes = out;
    this.region.size = out.length;
  }

  /** Removes `n` bytes at MAC-relative offset `at`. */
  remove(at: number, n: number): void {
    this.save();
    const old = this.frame;
    const out = new Uint8Array(old.length - n);
    out.set(old.subarray(0, at), 0);
    out.set(old.subarray(at + n), at);
    this.region.bytes = out;
    this.region.size = out.length;
  }

  /** A big-endian u16 of the frame at a MAC-relative offset. */
  be16(frameOff: number): number {
    return (this.frame[frameOff] << 8) | this.frame[frameOff + 1];
  }

  /** The frame as BPF_PROG_TEST_RUN copies it out (data_out). */
  dataOut(): Uint8Array {
    if (this.f.dataOff === 0) return this.frame.slice();
    // the test run pushes the pulled Ethernet header back as zeros
    const out = new Uint8Array(ETH_HLEN + this.len);
    out.set(this.frame.subarray(this.f.dataOff), ETH_HLEN);
    return out;
  }
}

/** eth_type_trans's protocol: an ethertype, or 802.3 / 802.2 for a length field. */
export function ethTypeTrans(frame: Uint8Array): number {
  const proto = (frame[12] << 8) | frame[13];
  if (proto >= 0x600) return proto;
  if (frame.length >= ETH_HLEN + 2 && frame[14] === 0xff && frame[15] === 0xff) return ETH_P_802_3;
  return ETH_P_802_2;
}

/** pkt_type against loopback's all-zero address (its broadcast address is zeros too). */
function pktTypeOf(frame: Uint8Array): number {
  if (frame[0] & 1) return PACKET_MULTICAST;
  for (let i = 0; i < 6; i++) if (frame[i] !== 0) return PACKET_OTHERHOST;
  return PACKET_HOST;
}

type SkbBuildError = { errno: 'EINVAL' | 'E2BIG' | 'ENODEV'; message: string };

const ctxOff = (name: string): number => fieldNamed(SK_BUFF, name).offset;
/** The __sk_buff fields BPF_PROG_TEST_RUN's ctx_in may set (every other byte must be zero). */
export const SKB_CTX_IN_FIELDS: readonly string[] = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]'];
const CTX_IN_ALLOWED = new Set(SKB_CTX_IN_FIELDS.map(ctxOff));
/** sizeof(struct __sk_buff) on the host kernel: a non-zero byte past it is E2BIG */
const HOST_SKB_CTX_SIZE = 192;

const u32At = (b: Uint8Array, off: number): number => Number(leValue(b, off, 4));

/** Checks a frame's size the way the test run does. */
export function checkFrame(data: Uint8Array): SkbBuildError | null {
  if (data.length < MIN_FRAME || data.length > MAX_FRAME) {
    return { errno: 'EINVAL', message: `packet of ${data.length} bytes: the test run takes ${MIN_FRAME} to ${MAX_FRAME}` };
  }
  const proto = (data[12] << 8) | data[13];
  if (proto === ETH_P_IP && data.length < ETH_HLEN + 20) return { errno: 'EINVAL', message: 'an IPv4 frame needs at least 34 bytes' };
  if (proto === ETH_P_IPV6 && data.length < ETH_HLEN + 40) return { errno: 'EINVAL', message: 'an IPv6 frame needs at least 54 bytes' };
  return null;
}

/** Validates ctx_in (a struct __sk_buff) and returns the fields it sets. */
function applyCtxIn(ctxIn: Uint8Array, world: World, f: SkbFields): SkbBuildError | null {
  // a shorter ctx is zero-extended
  const ctx = new Uint8Array(Math.max(ctxIn.length, SK_BUFF.size));
  ctx.set(ctxIn);
  for (let off = SK_BUFF.size; off < ctx.length; off++) {
    if (ctx[off] === 0) continue;
    if (off >= HOST_SKB_CTX_SIZE) return { errno: 'E2BIG', message: `ctx byte ${off} is past struct __sk_buff and not zero` };
    return { errno: 'EINVAL', message: `ctx byte ${off} is not a field the test run may set` };
  }
  for (let off = 0; off < SK_BUFF.size; off += 4) {
    if (!CTX_IN_ALLOWED.has(off) && u32At(ctx, off) !== 0) {
      return { errno: 'EINVAL', message: `ctx field at offset ${off} must be zero (only mark, priority, ingress_ifindex, ifindex and cb may be set)` };
    }
  }
  f.mark = u32At(ctx, ctxOff('mark'));
  f.priority = u32At(ctx, ctxOff('priority'));
  f.iif = u32At(ctx, ctxOff('ingress_ifindex'));
  const ifindex = u32At(ctx, ctxOff('ifindex'));
  if (ifindex !== 0) {
    if (!deviceExists(world, ifindex)) {
      return { errno: 'ENODEV', message: `no net device with ifindex ${ifindex}` };
    }
    f.ifindex = ifindex;
  }
  for (let i = 0; i < 5; i++) f.cb[i] = u32At(ctx, ctxOff('cb[0]') + 4 * i);
  return null;
}

/**
 * Builds the skb of a socket filter (`atNetwork`: data at the network header) or tc program
 * from a whole Ethernet frame and an optional ctx_in, mapping the packet into `mem`; `route`:
 * the skb has a route (test-run skbs have none).
 */
export function buildSkb(
  mem: AddressSpace,
  data: Uint8Array,
  atNetwork: boolean,
  ctxIn: Uint8Array | undefined,
  world: World,
  route = false,
): Skb | SkbBuildError {
  const bad = checkFrame(data);
  if (bad) return bad;
  const f: SkbFields = {
    dataOff: atNetwork ? ETH_HLEN : 0,
    netOff: ETH_HLEN,
    protocol: 0,
    pktType: 0,
    mark: 0,
    priority: 0,
    queueMapping: 0,
    vlanTci: 0,
    vlanProto: 0,
    ifindex: LOOPBACK_IFINDEX,
    iif: 0,
    tcIndex: 0,
    tcClassid: 0,
    cb: [0, 0, 0, 0, 0],
    hash: 0,
    route,
    tunnel: world.tunnel ? cloneTunnel(world.tunnel) : null,
  };
  if (ctxIn) {
    const err = applyCtxIn(ctxIn, world, f);
    if (err) return err;
  }
  setFrameFields(f, data);
  // direct packet writes are XDP's only in 4.8, so the skb's packet is read-only to loads/stores
  const region = mem.map('packet', 'packet', data.slice(), false);
  return new Skb(mem, region, f);
}
