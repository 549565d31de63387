/**
 * BPF_PROG_TYPE_SOCKET_FILTER (4.8's sk_filter_prog_ops): runs on a packet's skb from its
 * network header and returns how many bytes of it to keep (0 drops it). The only type a loader
 * without CAP_SYS_ADMIN may load. Reads every __sk_buff field but tc_classid, data and data_end
 * (no direct packet access: LD_ABS/LD_IND and skb_load_bytes instead); writes only cb[].
 */
import { ProgType, fieldNamed, SK_BUFF } from '../../isa';
import { defineProgType, skFilterFuncProto } from './common';
import { SKB_CTX_IN, buildSkbContext, skbCommon } from './skbctx';
import type { CtxAccess, CtxAccessResult } from './types';

const off = (name: string): number => fieldNamed(SK_BUFF, name).offset;
const HIDDEN = new Set([off('tc_classid'), off('data'), off('data_end')]);
const CB_FIRST = off('cb[0]');
const CB_LAST = off('cb[4]');

/** 4.8's sk_filter_is_valid_access */
function access(a: CtxAccess): CtxAccessResult {
  if (!skbCommon(a) || HIDDEN.has(a.off)) return false;
  if (a.write) return a.off >= CB_FIRST && a.off <= CB_LAST ? 'scalar' : false;
  return 'scalar';
}

export const socketFilterOps = defineProgType({
  info: { type: ProgType.SocketFilter, name: 'socket_filter', title: 'socket filter', packet: true, ctxIn: SKB_CTX_IN },
  unprivileged: true,
  ctx: { layout: SK_BUFF },
  ctxAccess: access,
  ldAbs: true,
  packetWrite: false,
  funcProto: skFilterFuncProto,
  checksKernVersion: false,
  traceFlags: '..s1',
  buildContext: (kernel, input) => buildSkbContext(kernel, input, access, true),
  verdict(retval, len) {
    const u = retval >>> 0;
    if (u === 0) return { name: 'drop', kept: 0 };
    return { name: u >= len ? `keep all ${len} bytes` : `keep ${u} bytes`, kept: Math.min(u, len) };
  },
});
