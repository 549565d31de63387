/**
 * verifier: Linux 4.8's eBPF verifier. `progLoad` is what the kernel injects for
 * BPF_PROG_LOAD; `verify` is the same with options; the analysis types describe what the
 * IDE gets besides the verdict and the log.
 */
export { progLoad, verify, LOG_SIZE_MAX, LOG_SIZE_MIN } from './load';
export { gplCompatible, GPL_COMPATIBLE_LICENSES } from '../kernel/prog';
export type { VerifierVerdict, VerifyOptions } from './load';
export type { VerifierAnalysis, Visit, VisitTable, PathInfo, StateView, RegView, StackSlotView, AnalysisMap } from './analysis';
export { RegType, REG_TYPE_STR, REG_TYPE_NAMES } from './state';
export type { RegTypeName, RegTypeValue } from './state';
export { helperFor } from '../kernel/progtypes/funcproto';
