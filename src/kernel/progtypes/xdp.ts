/**
 * BPF_PROG_TYPE_XDP (4.8's xdp_prog_ops): runs on a frame before the stack builds an skb. Its
 * context, `struct xdp_md { data, data_end }`, is read-only and both fields load 64-bit
 * pointers into the packet, which XDP programs may also write directly. It returns an XDP_*
 * action and has the networking helper base only. 4.8 has no xdp_adjust_head, so the packet
 * keeps its size. Non-goal: the driver side (rings, XDP_TX queues).
 */
import { ProgType, XDP_MD } from '../../isa';
import { leBytes } from '../../mem';
import { checkFrame } from '../skb';
import { defineProgType, refuse, skFilterFuncProto } from './common';
import type { CtxAccess, CtxAccessResult, RunContext, RunInput, RunRefused } from './types';
import type { KernelServices } from '../types';

/** enum xdp_action (4.8) */
const XDP_ACTIONS: Record<number, string> = { 0: 'XDP_ABORTED', 1: 'XDP_DROP', 2: 'XDP_PASS', 3: 'XDP_TX' };

/** 4.8's xdp_is_valid_access: struct xdp_md { data, data_end }, read-only */
function access(a: CtxAccess): CtxAccessResult {
  if (a.write || a.size !== 4 || a.off % 4 !== 0) return false;
  if (a.off === 0) return 'pkt';
  if (a.off === 4) return 'pkt_end';
  return false;
}

/** The frame of an XDP run (writable: XDP may write the packet directly) and its xdp_md. */
function buildContext(kernel: KernelServices, input: RunInput): RunContext | RunRefused {
  if (!input.data) return refuse('EINVAL', 'a packet (run.data) is needed');
  const bad = checkFrame(input.data);
  if (bad) return refuse(bad.errno, bad.message);
  if (input.ctx && input.ctx.some((b) => b !== 0)) return refuse('EINVAL', 'an xdp_md ctx_in must be zero');
  const mem = kernel.mem;
  const packet = mem.map('packet', 'packet', input.data.slice(), true);
  const ctx = mem.map('ctx', 'ctx (xdp_md)', new Uint8Array(XDP_MD.size), false);
  const value = (off: number): bigint => mem.addr(packet, off === 0 ? 0 : packet.size);
  ctx.hooks = {
    load: (off, size) => (access({ off, size, write: false }) ? value(off) : null),
    store: () => false,
    loadHalves(off, size, out) {
      if (!access({ off, size, write: false })) return false;
      out[0] = (packet.lo + (off === 0 ? 0 : packet.size)) >>> 0;
      out[1] = packet.hi >>> 0;
      return true;
    },
  };
  ctx.bytes.set(leBytes(value(0), 4), 0);
  ctx.bytes.set(leBytes(value(4), 4), 4);
  return {
    ctx,
    packet,
    skb: null,
    r1: mem.addr(ctx),
    layout: { name: XDP_MD.name, fields: XDP_MD.fields },
    packetOut() {
      const dataOut = packet.bytes.slice(0, packet.size);
      return { len: packet.size, dataOut, after: () => dataOut };
    },
  };
}

export const xdpOps = defineProgType({
  info: { type: ProgType.Xdp, name: 'xdp', title: 'XDP program', packet: true, ctxIn: null },
  unprivileged: false,
  ctx: { layout: XDP_MD },
  ctxAccess: access,
  ldAbs: false,
  packetWrite: true,
  funcProto: skFilterFuncProto,
  checksKernVersion: false,
  traceFlags: '..s1',
  buildContext,
  verdict: (retval) => ({ name: XDP_ACTIONS[retval >>> 0] ?? `unknown XDP action ${retval >>> 0} (dropped)` }),
});
