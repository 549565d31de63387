/**
 * verifier: Linux 4.8's eBPF verifier. `progLoad` is what the kernel injects for
 * BPF_PROG_LOAD; `verify` is the same with options; the analysis types describe what the
 * IDE gets besides the verdict and the log.
 */
export { progLoad, verify, LOG_SIZE_MAX } from './load';
export { gplCompatible } from '../kernel/prog';
export type { VerifierAnalysis, StateView, RegView, StackSlotView } from './analysis';
export { helperFor } from '../kernel/progtypes/funcproto';
