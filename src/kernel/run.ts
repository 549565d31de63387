/**
 * The run builder: everything the kernel sets up around one program invocation, for a VM to
 * drive. It maps the stack, the context of the program's type and the packet into the kernel's
 * address space, and returns the `RunHost` (helpers, LD_ABS/LD_IND) with the initial registers
 * and a `finish` that interprets r0 as the program type does. The packet is built as
 * BPF_PROG_TEST_RUN builds it (skb.ts); `again` prepares another repetition on the same skb
 * (run.repeat). Non-goal: running the instructions (that is the VM's).
 */
import { ProgType, Errno, MAX_BPF_STACK } from '../isa';
import type { Region } from '../mem';
import { HELPER_REGISTRY, helperOffered, type HelperEnv, type RunState } from './helpers';
import { PERF_MAX_TRACE_SIZE } from './progtypes/access';
import { mapPtRegs } from './progtypes/kprobe';
import { mapSkbCtx, refreshSkbMirror } from './progtypes/skbctx';
import { buildRecord, tracepointByName } from './progtypes/tracepoint';
import { verdictOf, type Verdict } from './progtypes/verdict';
import { buildXdp, mapXdpCtx, type XdpBuff } from './progtypes/xdp';
import { buildSkb, type Skb, type SkbBuildError } from './skb';
import type { HelperOutcome, KernelServices, LoadedProg, RunHost } from './types';
import { leBytes } from '../mem';

/** What a run starts from (the request's `run` object, decoded). */
export interface RunInput {
  /** a whole Ethernet frame (socket filter, tc, XDP): BPF_PROG_TEST_RUN's data_in */
  data?: Uint8Array;
  /** ctx_in: a struct __sk_buff (tc, socket filter), pt_regs (kprobe) or a raw record (tracepoint) */
  ctx?: Uint8Array;
  /** tracepoint programs: which tracepoint's record to build ("sched:sched_switch" by default) */
  tracepoint?: string;
  /** tracepoint programs: field values overriding the world's */
  tracepointFields?: Record<string, unknown>;
  /** the conformance convention: r1 points to a writable copy of these bytes, r2 = their length, no context */
  mem?: Uint8Array;
  /** the skb has a route (get_route_realm answers the world's realm); test-run skbs have none */
  route?: boolean;
}

/** What a finished run gave, interpreted for its program type. */
export interface RunOutput {
  /** the full 64-bit r0 */
  r0: bigint;
  /** the low 32 bits, as BPF_PROG_TEST_RUN's retval */
  retval: number;
  /** the packet as BPF_PROG_TEST_RUN copies it out (or the `mem` bytes), null without one */
  dataOut: Uint8Array | null;
  verdict: Verdict;
  /**
   * the packet as the program's type leaves it: a socket filter's bytes from skb->data cut to
   * what it kept (empty when dropped), a tc or XDP program's frame; null without a packet
   */
  packet: Uint8Array | null;
  /** where a tc program that returned TC_ACT_REDIRECT sends the packet */
  redirect: { ifindex: number; ingress: boolean } | null;
}

/** A run the kernel refuses to start (bad data or ctx_in): BPF_PROG_TEST_RUN's errno. */
export interface RunRefused {
  ok: false;
  errno: number;
  error: string;
  message: string;
}

export interface PreparedRun {
  ok: true;
  host: RunHost;
  /** registers at entry: r1 (ctx, or the mem pointer), r2 (mem length), r10 (frame pointer) */
  init: { r1: bigint; r2?: bigint; r10: bigint };
  state: RunState;
  skb: Skb | null;
  regions: { stack: Region; ctx?: Region; packet?: Region; mem?: Region; regs?: Region };
  /** interprets the program's r0 */
  finish(r0: bigint): RunOutput;
  /** readies another invocation on the same packet and context (tail-call count back to 0) */
  again(): void;
  /** advances the world's clock to `executed` instructions of this invocation (call it when the run stops) */
  retire(executed: number): void;
  /** unmaps the run's regions from the kernel's address space */
  dispose(): void;
}

const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

const refuse = (errno: keyof typeof Errno, message: string): RunRefused => ({ ok: false, errno: Errno[errno], error: errno, message });
const isRefused = (x: unknown): x is SkbBuildError => typeof x === 'object' && x !== null && 'errno' in x && 'message' in x;

/** 4.8's load_pointer: an LD_ABS/LD_IND offset to a MAC-relative offset, or -1 when out of bounds. */
export function ldAbsOffset(skb: Skb, k: number, size: number): number {
  let at: number;
  if (k >= 0) {
    if (k + size > skb.len) return -1;
    at = skb.f.dataOff + k;
  } else if (k >= SKF_NET_OFF) {
    at = skb.f.netOff + (k - SKF_NET_OFF);
  } else if (k >= SKF_LL_OFF) {
    at = k - SKF_LL_OFF;
  } else {
    return -1;
  }
  return at + size <= skb.frame.length ? at : -1;
}

interface Built {
  ctx?: Region;
  packet?: Region;
  regs?: Region;
  mem?: Region;
  skb: Skb | null;
  xdp: XdpBuff | null;
  r1: bigint;
  r2?: bigint;
}

/** Maps the context (and packet) of the program's type. */
function buildContext(kernel: KernelServices, prog: LoadedProg, input: RunInput): Built | RunRefused {
  const mem = kernel.mem;
  const world = kernel.world;
  if (input.mem) {
    const region = input.mem.length ? mem.map('mem', 'mem', input.mem.slice(), true) : undefined;
    return { mem: region, skb: null, xdp: null, r1: region ? mem.addr(region) : 0n, r2: BigInt(input.mem.length) };
  }
  switch (prog.progType) {
    case ProgType.SocketFilter:
    case ProgType.SchedCls:
    case ProgType.SchedAct: {
      if (!input.data) return refuse('EINVAL', 'a packet (run.data) is needed');
      const skb = buildSkb(mem, input.data, prog.progType === ProgType.SocketFilter, input.ctx, world);
      if (isRefused(skb)) return refuse(skb.errno, skb.message);
      if (input.route) skb.f.route = true;
      const ctx = mapSkbCtx(mem, prog.progType, skb);
      return { ctx, packet: skb.region, skb, xdp: null, r1: mem.addr(ctx) };
    }
    case ProgType.Xdp: {
      if (!input.data) return refuse('EINVAL', 'a packet (run.data) is needed');
      const xdp = buildXdp(mem, input.data, input.ctx);
      if (isRefused(xdp)) return refuse(xdp.errno, xdp.message);
      const ctx = mapXdpCtx(mem, xdp);
      return { ctx, packet: xdp.region, skb: null, xdp, r1: mem.addr(ctx) };
    }
    case ProgType.Kprobe: {
      const ctx = mapPtRegs(mem, world, input.ctx);
      if (!ctx) return refuse('EINVAL', 'a pt_regs ctx has at most 168 bytes');
      return { ctx, regs: ctx, skb: null, xdp: null, r1: mem.addr(ctx) };
    }
    case ProgType.Tracepoint:
      return buildTracepoint(kernel, input);
    default:
      return refuse('EINVAL', `program type ${prog.progType} cannot be run`);
  }
}

/**
 * How far below a tracepoint's record a program may read: 4.8's verifier lets every negative
 * ctx offset through (progtypes/access.ts), and an instruction's offset is a signed 16-bit
 * number, so loads reach down to 32768 bytes before the record.
 */
export const TRACEPOINT_BELOW_RECORD = 0x8000;

/** What the memory below a tracepoint's record stands for, as the IDE's context view says it. */
export const BELOW_RECORD_ABOUT =
  'Below the record: per-CPU kernel memory under the perf trace buffer that 4.8 writes the record into. ' +
  'It is not part of the event, yet 4.8\'s verifier lets tracepoint programs read it (any negative offset whose ' +
  'remainder by the size is 0 passes). What a real kernel keeps there is other kernel data; bpflab does not model it and shows zeros.';

/**
 * A tracepoint's record as 4.8 hands it to the program: written at the start of this CPU's
 * perf trace buffer (perf_trace_buf_alloc, PERF_MAX_TRACE_SIZE bytes), its first 8 bytes
 * overwritten with the pt_regs pointer (perf_trace_run_bpf_submit), the rest of the buffer
 * after it. Below the buffer lies other per-CPU memory of the kernel, which bpflab does not
 * model: the region holds TRACEPOINT_BELOW_RECORD zero bytes there, so that every load the
 * verifier accepts reads something, and r1 (the region's origin) points at the record.
 */
function buildTracepoint(kernel: KernelServices, input: RunInput): Built | RunRefused {
  const mem = kernel.mem;
  let record: Uint8Array;
  if (input.ctx) {
    record = input.ctx.slice();
  } else {
    const def = tracepointByName(input.tracepoint ?? 'sched:sched_switch');
    if (!def) return refuse('EINVAL', `unknown tracepoint ${input.tracepoint}`);
    const built = buildRecord(def, kernel.world, input.tracepointFields);
    if (typeof built === 'string') return refuse('EINVAL', built);
    record = built;
  }
  if (record.length < 8) return refuse('EINVAL', 'a tracepoint record has at least the 8-byte common header');
  const regs = mapPtRegs(mem, kernel.world, undefined, 'pt_regs (tracepoint)')!;
  record.set(leBytes(mem.addr(regs), 8), 0);
  // the record sits in the perf trace buffer: the verifier lets programs read up to its end
  const bytes = new Uint8Array(TRACEPOINT_BELOW_RECORD + Math.max(record.length, PERF_MAX_TRACE_SIZE));
  bytes.set(record, TRACEPOINT_BELOW_RECORD);
  const ctx = mem.map('ctx', `ctx (${input.tracepoint ?? 'tracepoint'} record)`, bytes, false);
  ctx.origin = TRACEPOINT_BELOW_RECORD;
  return { ctx, regs, skb: null, xdp: null, r1: mem.addr(ctx, TRACEPOINT_BELOW_RECORD) };
}

/**
 * Sets up a run of `prog` on `input` in `kernel`'s address space. Refuses (as the test run
 * would, with its errno) a packet of the wrong size or a ctx_in with fields it may not set.
 */
export function prepareRun(kernel: KernelServices, prog: LoadedProg, input: RunInput): PreparedRun | RunRefused {
  const built = buildContext(kernel, prog, input);
  if ('ok' in built) return built;
  const mem = kernel.mem;
  const stack = mem.map('stack', 'stack', new Uint8Array(MAX_BPF_STACK), true);
  const state: RunState = {
    progType: prog.progType,
    prog,
    tailCalls: 0,
    skb: built.skb,
    xdp: built.xdp,
    ctxAddr: built.r1,
    redirect: null,
    clocked: 0,
  };
  const env: HelperEnv = {
    kernel,
    mem,
    world: kernel.world,
    run: state,
  };
  const host = makeHost(env, built);
  const regions = { stack, ctx: built.ctx, packet: built.packet, mem: built.mem, regs: built.regs };
  return {
    ok: true,
    host,
    init: { r1: built.r1, r2: built.r2, r10: mem.addr(stack, MAX_BPF_STACK) },
    state,
    skb: built.skb,
    regions,
    finish: (r0) => finishRun(state, built, r0),
    retire: (executed) => retire(env, executed),
    again() {
      state.clocked = 0;
      state.tailCalls = 0;
      state.prog = prog;
      state.redirect = null;
    },
    dispose() {
      for (const r of Object.values(regions)) if (r) mem.unmap(r);
    },
  };
}

/**
 * Advances the world's clock to `executed` instructions into this invocation (journaled, like
 * the clock itself, so stepping back and forth replays the same times).
 */
export function retire(env: HelperEnv, executed: number): void {
  const run = env.run;
  if (executed <= run.clocked) return;
  const before = run.clocked;
  env.world.advanceClock(executed - before);
  run.clocked = executed;
  env.mem.journal?.push(() => {
    run.clocked = before;
  });
}

function makeHost(env: HelperEnv, built: Built): RunHost {
  const { skb, ctx } = built;
  return {
    mem: env.mem,
    callHelper(id, r1, r2, r3, r4, r5, _pc, executed): HelperOutcome {
      retire(env, executed);
      const entry = HELPER_REGISTRY.get(id);
      if (!entry || !helperOffered(env.run.progType, id, env.run.prog.privileged)) {
        return { kind: 'fault', fault: `helper ${id} is not offered to this program type` };
      }
      const out = entry.impl(env, r1, r2, r3, r4, r5);
      if (skb && ctx) refreshSkbMirror(env.mem, ctx, skb);
      return out;
    },
    loadSkb(offset, size) {
      if (!skb) return null;
      const at = ldAbsOffset(skb, offset, size);
      if (at < 0) return null;
      let v = 0;
      for (let i = 0; i < size; i++) v = v * 256 + skb.frame[at + i];
      return v;
    },
    hasHelper: (id) => helperOffered(env.run.progType, id, env.run.prog.privileged),
  };
}

function finishRun(state: RunState, built: Built, r0: bigint): RunOutput {
  const retval = Number(r0 & 0xffffffffn);
  let dataOut: Uint8Array | null = null;
  let len = 0;
  if (built.skb) {
    dataOut = built.skb.dataOut();
    len = built.skb.len;
  } else if (built.packet) {
    dataOut = built.packet.bytes.slice(0, built.packet.size);
    len = built.packet.size;
  } else if (built.mem) {
    dataOut = built.mem.bytes.slice();
  }
  const verdict = verdictOf(state.progType, retval, len);
  const redirect = verdict.name === 'TC_ACT_REDIRECT' ? state.redirect : null;
  let packet: Uint8Array | null = null;
  if (built.skb) {
    const skb = built.skb;
    packet = skb.frame.slice(skb.f.dataOff, skb.f.dataOff + (verdict.kept ?? skb.len));
  } else if (built.packet) {
    packet = dataOut;
  }
  return { r0: BigInt.asUintN(64, r0), retval, dataOut, verdict, packet, redirect };
}
