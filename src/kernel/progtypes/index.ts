/**
 * The program types of Linux 4.8, keyed by enum bpf_prog_type: one file each (tc.ts holds the
 * two tc types, which share 4.8's ops), every one a `ProgTypeOps` (types.ts). PROG_LOAD finds the
 * type here (an unknown type is EINVAL), the verifier asks it about context accesses, LD_ABS,
 * packet writes and helpers (access.ts, funcproto.ts), the run builder has it map the context
 * and read r0, and the session hands its `info` to the app. Adding a type is one file and one
 * line below.
 */
import { ProgType } from '../../isa';
import { kprobeOps } from './kprobe';
import { socketFilterOps } from './socket-filter';
import { schedActOps, schedClsOps } from './tc';
import { tracepointOps } from './tracepoint';
import type { ProgTypeInfo, ProgTypeOps, Verdict } from './types';
import { xdpOps } from './xdp';

export const PROG_TYPES: ReadonlyMap<number, ProgTypeOps> = new Map([
  [ProgType.SocketFilter, socketFilterOps],
  [ProgType.Kprobe, kprobeOps],
  [ProgType.SchedCls, schedClsOps],
  [ProgType.SchedAct, schedActOps],
  [ProgType.Tracepoint, tracepointOps],
  [ProgType.Xdp, xdpOps],
]);

/** The ops of program type `type`, or undefined for a type 4.8 does not have. */
export const progTypeOps = (type: number): ProgTypeOps | undefined => PROG_TYPES.get(type);

/** Every program type as data, in enum order (what `hello()` gives the app). */
export const progTypeInfos = (): ProgTypeInfo[] => [...PROG_TYPES.values()].map((o) => o.info).sort((a, b) => a.type - b.type);

/** Interprets the low 32 bits of r0 for a program of `type` that saw a packet of `len` bytes. */
export function verdictOf(type: number, retval: number, len: number): Verdict {
  return PROG_TYPES.get(type)?.verdict(retval, len) ?? { name: `r0 = ${retval >>> 0}` };
}

export type { PacketOut, RunContext, RunInput, RunRefused, Verdict } from './types';
