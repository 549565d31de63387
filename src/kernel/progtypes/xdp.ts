/**
 * XDP's context, `struct xdp_md { data, data_end }` (4.8): both fields load 64-bit pointers
 * into the packet, which XDP programs may also write directly. 4.8 has no xdp_adjust_head, so
 * the packet keeps its size. Non-goal: the driver side (rings, XDP_TX queues).
 */
import { XDP_MD } from '../../isa';
import { leBytes, type AddressSpace, type Region } from '../../mem';
import { checkFrame, type SkbBuildError } from '../skb';
import { ctxAccess } from './access';
import { ProgType } from '../../isa';

/** The packet of an XDP run (struct xdp_buff). */
export interface XdpBuff {
  region: Region;
  dataAddr(): bigint;
  dataEndAddr(): bigint;
}

/** Maps the frame of an XDP run (writable: XDP may write the packet directly). */
export function buildXdp(mem: AddressSpace, data: Uint8Array, ctxIn?: Uint8Array): XdpBuff | SkbBuildError {
  const bad = checkFrame(data);
  if (bad) return bad;
  if (ctxIn && ctxIn.some((b) => b !== 0)) return { errno: 'EINVAL', message: 'an xdp_md ctx_in must be zero' };
  const region = mem.map('packet', 'packet', data.slice(), true);
  return {
    region,
    dataAddr: () => mem.addr(region, 0),
    dataEndAddr: () => mem.addr(region, region.size),
  };
}

/** Maps the xdp_md context region over `xdp`. */
export function mapXdpCtx(mem: AddressSpace, xdp: XdpBuff): Region {
  const region = mem.map('ctx', 'ctx (xdp_md)', new Uint8Array(XDP_MD.size), false);
  const value = (off: number): bigint => (off === 0 ? xdp.dataAddr() : xdp.dataEndAddr());
  region.hooks = {
    load(off, size) {
      return ctxAccess(ProgType.Xdp, { off, size, write: false }) ? value(off) : null;
    },
    store: () => false,
  };
  region.bytes.set(leBytes(value(0), 4), 0);
  region.bytes.set(leBytes(value(4), 4), 4);
  return region;
}

/** enum xdp_action (4.8) */
export const XDP_ACTIONS: Record<number, string> = { 0: 'XDP_ABORTED', 1: 'XDP_DROP', 2: 'XDP_PASS', 3: 'XDP_TX' };
