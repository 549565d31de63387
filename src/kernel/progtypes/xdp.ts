/**
 * BPF_PROG_TYPE_XDP (4.8's xdp_prog_ops): runs on a frame before the stack builds an skb. Its
 * context, `struct xdp_md { data, data_end }`, is read-only and both fields load 64-bit
 * pointers into the packet, which XDP programs may also write directly. It returns an XDP_*
 * action and has the networking helper base only. 4.8 has no xdp_adjust_head, so the packet
 * keeps its size. Non-goal: the driver side (rings, XDP_TX queues).
 */
import { ProgType, XDP_MD } from '../../isa';
import { checkFrame } from '../skb';
import { refill } from '../../mem';
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
  // the low halves of data and data_end (the packet's upper half is their high half)
  const low = (off: number): number => (packet.lo + (off === 0 ? 0 : packet.size)) >>> 0;
  const value = (off: number): bigint => mem.addr(packet, off === 0 ? 0 : packet.size);
  // the display mirror: the fields' low 32 bits, as a 4-byte load gives them
  const mirror = (): void => {
    const view = new DataView(ctx.bytes.buffer, ctx.bytes.byteOffset, ctx.bytes.byteLength);
    view.setUint32(0, low(0), true);
    view.setUint32(4, low(4), true);
  };
  ctx.hooks = {
    load: (off, size) => (access({ off, size, write: false }) ? value(off) : null),
    store: () => false,
    loadHalves(off, size, out) {
      if (!access({ off, size, write: false })) return false;
      out[0] = low(off);
      out[1] = packet.hi >>> 0;
      return true;
    },
  };
  mirror();
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
    packetLen: () => packet.size,
    reload(data) {
      const bad = checkFrame(data);
      if (bad) return refuse(bad.errno, bad.message);
      refill(packet, data);
      mirror();
      return null;
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
