/**
 * BPF_PROG_TYPE_KPROBE (4.8's kprobe_prog_ops): runs when a probed kernel function is hit. Its
 * context is an x86-64 `struct pt_regs` (168 bytes), the probed function's registers: plain
 * memory the program may read at any aligned size and never write; the user edits it
 * (RunInput.ctx replaces it whole). The default registers look like a kernel-mode entry into the
 * world's innermost kernel frame. The return value is a plain number (non-zero lets the event
 * through to the perf ring). BPF_PROG_LOAD checks kern_version for this type only.
 */
import { PT_REGS, ProgType, fieldNamed } from '../../isa';
import { leBytes, type AddressSpace, type Region } from '../../mem';
import type { World } from '../types';
import { defineProgType, funcProto, refuse, tracingFuncProto } from './common';
import type { CtxAccess, CtxAccessResult } from './types';

const KERNEL_CS = 0x10n;
const KERNEL_DS = 0x18n;
/** IF set, as in a probe hit with interrupts on */
const DEFAULT_FLAGS = 0x246n;
const DEFAULT_SP = 0xffffc90000007e58n;

const reg = (name: string): number => fieldNamed(PT_REGS, name).offset;

/** Default pt_regs of a probe hit in the world's innermost kernel function. */
function defaultPtRegs(world: World): Uint8Array {
  const out = new Uint8Array(PT_REGS.size);
  const put = (name: string, v: bigint): void => out.set(leBytes(v, 8), reg(name));
  put('ip', world.kernelStack[0]?.ip ?? 0n);
  put('cs', KERNEL_CS);
  put('flags', DEFAULT_FLAGS);
  put('sp', DEFAULT_SP);
  put('ss', KERNEL_DS);
  put('orig_ax', 0xffffffffffffffffn);
  return out;
}

/** Maps a pt_regs region from `ctx` (zero-extended; null if longer than the struct). */
export function mapPtRegs(mem: AddressSpace, world: World, ctx: Uint8Array | undefined, name = 'ctx (pt_regs)'): Region | null {
  if (ctx && ctx.length > PT_REGS.size) return null;
  const bytes = defaultPtRegs(world);
  if (ctx) {
    bytes.fill(0);
    bytes.set(ctx, 0);
  }
  return mem.map(name.startsWith('ctx') ? 'ctx' : 'kernel', name, bytes, false);
}

/** 4.8's kprobe_prog_is_valid_access: read-only pt_regs, any aligned size */
function access(a: CtxAccess): CtxAccessResult {
  if (a.write || a.off < 0 || a.off >= PT_REGS.size || a.off % a.size !== 0) return false;
  return 'scalar';
}

export const kprobeOps = defineProgType({
  info: {
    type: ProgType.Kprobe,
    name: 'kprobe',
    title: 'kprobe',
    packet: false,
    ctxIn: { kind: 'fields', layout: PT_REGS, fields: PT_REGS.fields.map((f) => f.name), replaces: true },
  },
  unprivileged: false,
  ctx: { layout: PT_REGS },
  ctxAccess: access,
  ldAbs: false,
  packetWrite: false,
  // 4.8's kprobe_prog_func_proto
  funcProto: funcProto(['perf_event_output', 'get_stackid'], tracingFuncProto),
  checksKernVersion: true,
  traceFlags: 'd..2',
  buildContext(kernel, input) {
    const ctx = mapPtRegs(kernel.mem, kernel.world, input.ctx);
    if (!ctx) return refuse('EINVAL', `a pt_regs ctx has at most ${PT_REGS.size} bytes`);
    return { ctx, regs: ctx, skb: null, r1: kernel.mem.addr(ctx), layout: { name: PT_REGS.name, fields: PT_REGS.fields } };
  },
  verdict: (retval) => ({ name: `r0 = ${retval >>> 0}` }),
});
