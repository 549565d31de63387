/**
 * What a helper implementation gets: the kernel's services, the state of the run (program,
 * skb, tail-call count) and small tools to read and write program memory with faults as values.
 * Helpers return a `HelperOutcome`; errno results are negative numbers in r0, as in the kernel.
 */
import { Errno, type ErrnoName } from '../../isa';
import type { AddressSpace, MemFault } from '../../mem';
import type { Skb } from '../skb';
import type { Effect, HelperOutcome, KernelServices, LoadedProg, World } from '../types';

/** Per-run state the helpers share (what the kernel keeps per CPU or per invocation). */
export interface RunState {
  readonly progType: number;
  /** the program running now (changes with tail calls) */
  prog: LoadedProg;
  /** tail calls made so far in this invocation (4.8's tail_call_cnt) */
  tailCalls: number;
  /** the skb of a socket filter or tc run */
  readonly skb: Skb | null;
  /** address of the context (r1 at entry) */
  readonly ctxAddr: bigint;
  /** where bpf_redirect sends the packet when the program returns TC_ACT_REDIRECT */
  redirect: { ifindex: number; ingress: boolean } | null;
  /** instructions of this invocation the world's clock has already advanced by */
  clocked: number;
}

export interface HelperEnv {
  readonly kernel: KernelServices;
  readonly mem: AddressSpace;
  readonly world: World;
  readonly run: RunState;
}

export type HelperImpl = (env: HelperEnv, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => HelperOutcome;

/** r0 = v (as an unsigned 64-bit register value), with the effects the call had. */
export function ret(v: number | bigint, effects?: Effect[]): HelperOutcome {
  const r0 = BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(v));
  return effects && effects.length ? { kind: 'ret', r0, effects } : { kind: 'ret', r0 };
}

/** r0 = -errno. */
export const err = (name: ErrnoName, effects?: Effect[]): HelperOutcome => ret(-Errno[name], effects);

/** The call touched memory it may not (reachable by unverified programs only). */
export const fault = (f: MemFault | string): HelperOutcome => ({ kind: 'fault', fault: f });

/** The low 32 bits of a register, as a u32 argument. */
export const u32 = (v: bigint): number => Number(v & 0xffffffffn);

/** Reads `len` bytes of program memory (a helper's key, value or buffer argument). */
export function readArg(env: HelperEnv, addr: bigint, len: number): Uint8Array | MemFault {
  if (len === 0) return new Uint8Array(0);
  return env.mem.read(addr, len);
}

/** Writes into program memory (journaled); a fault value if the program passed a bad buffer. */
export function writeArg(env: HelperEnv, addr: bigint, data: Uint8Array): MemFault | null {
  if (data.length === 0) return null;
  return env.mem.write(addr, data);
}

/** The skb of the run, or a fault for a program type without one (unverified programs only). */
export function skbOf(env: HelperEnv): Skb | HelperOutcome {
  return env.run.skb ?? fault('this helper needs an skb context (socket filter or tc program)');
}

/** Pushes an undo for a change of plain state when stepping back is being recorded. */
export function journal(env: HelperEnv, undo: () => void): void {
  env.mem.journal?.push(undo);
}
