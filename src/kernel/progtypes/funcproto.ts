/**
 * Which helpers a program type offers (4.8's func_proto per type): a helper's prototype in isa's
 * HELPERS lists the types; trace_printk is offered to networking programs only when the loader
 * has CAP_SYS_ADMIN. The verifier checks calls against it and the run refuses the others.
 */
import { ProgType, helperById, type HelperProto } from '../../isa';

/** The prototype a program of `progType` gets for helper `id`, or null. */
export function helperFor(progType: number, id: number, privileged: boolean): HelperProto | null {
  const h = helperById(id);
  if (!h || !h.progTypes.includes(progType)) return null;
  const tracing = progType === ProgType.Kprobe || progType === ProgType.Tracepoint;
  return h.privilegedOnly && !privileged && !tracing ? null : h;
}
