/**
 * The verifier's questions about a program type's context and packet, answered by the type's
 * ops (index.ts): which (offset, size) of the context a program may read or write
 * (`invalid bpf_context access off=%d size=%d` otherwise), LD_ABS/LD_IND, direct packet
 * writes. The run's context regions obey the same rules. Alignment (`off % size == 0`) is
 * checked by the verifier before these rules.
 */
import { progTypeOps } from './index';
import type { CtxAccess, CtxAccessResult } from './types';

/** Whether a program of `progType` may make this context access, and what it yields. */
export const ctxAccess = (progType: number, a: CtxAccess): CtxAccessResult => progTypeOps(progType)?.ctxAccess(a) ?? false;

/** Program types that may use LD_ABS / LD_IND (4.8's may_access_skb). */
export const mayAccessSkb = (progType: number): boolean => progTypeOps(progType)?.ldAbs ?? false;

/** Direct packet writes: only XDP in 4.8 (tc got them in 4.9). */
export const mayWriteDirectPacket = (progType: number): boolean => progTypeOps(progType)?.packetWrite ?? false;
