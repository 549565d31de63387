/**
 * Which helpers a program type offers (4.8's func_proto per type), answered by the type's ops
 * (index.ts): trace_printk is offered to networking programs only when the loader has
 * CAP_SYS_ADMIN. The verifier checks calls against it and the run refuses the others.
 */
import type { HelperProto } from '../../isa';
import { progTypeOps } from './index';

/** The prototype a program of `progType` gets for helper `id`, or null. */
export function helperFor(progType: number, id: number, privileged: boolean): HelperProto | null {
  return progTypeOps(progType)?.funcProto(id, privileged) ?? null;
}
