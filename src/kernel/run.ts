/**
 * The run builder: everything the kernel sets up around one program invocation, for a VM to
 * drive. It maps the stack, the context of the program's type and the packet into the kernel's
 * address space, and returns the `RunHost` (helpers, LD_ABS/LD_IND) with the initial registers
 * and a `finish` that interprets r0 as the program type does. The packet is built as
 * BPF_PROG_TEST_RUN builds it (skb.ts); `again` prepares another repetition on the same skb
 * (run.repeat). Non-goal: running the instructions (that is the VM's).
 */
import { Class, JmpOp, MAX_BPF_STACK, Src } from '../isa';
import type { Region } from '../mem';
import { HELPER_REGISTRY, helperOffered, type HelperEnv, type RunState } from './helpers';
import { FAST_HELPERS } from './helpers/fast';
import { progTypeOps, verdictOf, type PacketOut, type RunContext, type RunInput, type RunRefused, type Verdict } from './progtypes';
import { isRefused, refuse } from './progtypes/common';
import type { Skb } from './skb';
import type { HelperOutcome, KernelServices, LoadedProg, RunHost } from './types';

export type { RunInput, RunRefused } from './progtypes';

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

export interface PreparedRun {
  ok: true;
  host: RunHost;
  /** registers at entry: r1 (ctx, or the mem pointer), r2 (mem length), r10 (frame pointer) */
  init: { r1: bigint; r2?: bigint; r10: bigint };
  state: RunState;
  skb: Skb | null;
  regions: { stack: Region; ctx?: Region; packet?: Region; mem?: Region; regs?: Region };
  /** the context's layout as the IDE shows it (none for a `mem` run) */
  ctxLayout: RunContext['layout'] | null;
  /** interprets the program's r0 */
  finish(r0: bigint): RunOutput;
  /** readies another invocation on the same packet and context (tail-call count back to 0) */
  again(): void;
  /**
   * Readies another invocation on the next packet `data` (BPF_PROG_TEST_RUN again, with the same
   * ctx_in): the packet's bytes rewritten, the skb and context as a fresh build would make them,
   * the stack zeroed, the tail-call count back to 0, reusing every region and buffer (nothing is
   * mapped or allocated when the size is the same), so the same registers start it. Refuses as
   * prepareRun would (then nothing changed). Null for types without a packet: prepare a new run.
   */
  reload: ((data: Uint8Array) => RunRefused | null) | null;
  /** the bytes the verdict is judged against (finish's `len`: skb->len, the XDP frame), 0 without a packet */
  packetLen(): number;
  /** advances the world's clock to `executed` instructions of this invocation (call it when the run stops) */
  retire(executed: number): void;
  /** unmaps the run's regions from the kernel's address space */
  dispose(): void;
}

/** the opcodes of a helper call (tail calls included) and of callx */
const CALL = Class.JMP | JmpOp.CALL | Src.K;
const CALLX = Class.JMP | JmpOp.CALL | Src.X;

const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

/** 4.8's load_pointer: an LD_ABS/LD_IND offset to a MAC-relative offset, or -1 when out of bounds. */
function ldAbsOffset(skb: Skb, k: number, size: number): number {
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

/** What a run maps besides its stack: the context of the program's type, or the conformance `mem` buffer. */
interface Built extends Partial<Omit<RunContext, 'r1' | 'skb'>> {
  r1: bigint;
  r2?: bigint;
  skb: Skb | null;
  mem?: Region;
}

/** Maps the context (and packet) of the program's type, or the `mem` buffer of the conformance convention. */
function buildContext(kernel: KernelServices, prog: LoadedProg, input: RunInput): Built | RunRefused {
  const mem = kernel.mem;
  if (input.mem) {
    const region = input.mem.length ? mem.map('mem', 'mem', input.mem.slice(), true) : undefined;
    return { mem: region, skb: null, r1: region ? mem.addr(region) : 0n, r2: BigInt(input.mem.length) };
  }
  const ops = progTypeOps(prog.progType);
  if (!ops) return refuse('EINVAL', `program type ${prog.progType} cannot be run`);
  return ops.buildContext(kernel, input);
}

/**
 * Sets up a run of `prog` on `input` in `kernel`'s address space. Refuses (as the test run
 * would, with its errno) a packet of the wrong size or a ctx_in with fields it may not set.
 */
export function prepareRun(kernel: KernelServices, prog: LoadedProg, input: RunInput): PreparedRun | RunRefused {
  const built = buildContext(kernel, prog, input);
  if (isRefused(built)) return built;
  const mem = kernel.mem;
  const stack = mem.map('stack', 'stack', new Uint8Array(MAX_BPF_STACK), true);
  const state: RunState = {
    progType: prog.progType,
    prog,
    tailCalls: 0,
    skb: built.skb,
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
  const again = (): void => {
    state.clocked = 0;
    state.tailCalls = 0;
    state.prog = prog;
    state.redirect = null;
  };
  const reload = built.reload;
  // whether the program can change its stack at all (decided on the first reload)
  let writesStack: boolean | undefined;
  return {
    ok: true,
    host,
    init: { r1: built.r1, r2: built.r2, r10: mem.addr(stack, MAX_BPF_STACK) },
    state,
    skb: built.skb,
    regions,
    ctxLayout: built.layout ?? null,
    finish: (r0) => finishRun(state, built, r0),
    retire: (executed) => retire(env, executed),
    again,
    reload:
      reload === undefined
        ? null
        : (data) => {
            const refused = reload(data);
            if (refused) return refused;
            if ((writesStack ??= mayWriteMemory(prog.bytes))) stack.bytes.fill(0);
            again();
            return null;
          },
    packetLen: () => built.packetLen?.() ?? 0,
    dispose() {
      for (const r of Object.values(regions)) if (r) mem.unmap(r);
    },
  };
}

/**
 * Whether a program has an instruction that can write memory: a store (ST, STX, atomics) or a
 * call (a helper writes through its pointers; a tail call runs another program on the same
 * stack). A program without one leaves its stack as the run began: zeroed, for every packet.
 */
function mayWriteMemory(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i += 8) {
    const code = bytes[i];
    const cls = code & 7;
    if (cls === Class.ST || cls === Class.STX || code === CALL || code === CALLX) return true;
  }
  return false;
}

/**
 * Advances the world's clock to `executed` instructions into this invocation (journaled, like
 * the clock itself, so stepping back and forth replays the same times).
 */
function retire(env: HelperEnv, executed: number): void {
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
  const { skb, afterHelper } = built;
  // which helpers the running program may call, asked once a program (a tail call may change it)
  let askedFor = env.run.prog;
  const asked = new Map<number, boolean>();
  const offered = (id: number): boolean => {
    if (env.run.prog !== askedFor) {
      askedFor = env.run.prog;
      asked.clear();
    }
    let ok = asked.get(id);
    if (ok === undefined) asked.set(id, (ok = helperOffered(env.run.progType, id, env.run.prog.privileged)));
    return ok;
  };
  return {
    mem: env.mem,
    callHelper(id, r1, r2, r3, r4, r5, _pc, executed): HelperOutcome {
      retire(env, executed);
      const entry = HELPER_REGISTRY.get(id);
      if (!entry || !helperOffered(env.run.progType, id, env.run.prog.privileged)) {
        return { kind: 'fault', fault: `helper ${id} is not offered to this program type` };
      }
      const out = entry.impl(env, r1, r2, r3, r4, r5);
      afterHelper?.();
      return out;
    },
    loadSkb(offset, size) {
      if (!skb) return null;
      const at = ldAbsOffset(skb, offset, size);
      if (at < 0) return null;
      const b = skb.region.bytes;
      // big-endian, as 4.8's load_pointer + ntohs/ntohl
      if (size === 1) return b[at];
      if (size === 2) return (b[at] << 8) | b[at + 1];
      return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
    },
    hasHelper: (id) => helperOffered(env.run.progType, id, env.run.prog.privileged),
    callFast(id, L, H, executed) {
      const f = FAST_HELPERS.get(id);
      if (f === undefined || !offered(id)) return false;
      retire(env, executed);
      if (!f(env, L, H)) return false;
      afterHelper?.();
      return true;
    },
  };
}

function finishRun(state: RunState, built: Built, r0: bigint): RunOutput {
  const retval = Number(r0 & 0xffffffffn);
  const out: PacketOut | null = built.packetOut?.() ?? null;
  const verdict = verdictOf(state.progType, retval, out?.len ?? 0);
  const dataOut = out ? out.dataOut : built.mem ? built.mem.bytes.slice() : null;
  const redirect = verdict.name === 'TC_ACT_REDIRECT' ? state.redirect : null;
  return { r0: BigInt.asUintN(64, r0), retval, dataOut, verdict, packet: out ? out.after(verdict.kept) : null, redirect };
}
