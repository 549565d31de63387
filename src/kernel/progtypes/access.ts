/**
 * Context access rules of Linux 4.8, per program type: which (offset, size) of the context a
 * program may read or write. The verifier uses them to accept or refuse an access
 * (`invalid bpf_context access off=%d size=%d`); the runtime relies on the same table.
 * Alignment (`off % size == 0`) is checked by the verifier before these rules.
 */
import { PT_REGS, ProgType, SK_BUFF, fieldNamed } from '../../isa';

export interface CtxAccess {
  off: number;
  size: number;
  write: boolean;
}

/** The result of a permitted access: what the loaded value is (priv loads of data/data_end give packet pointers). */
export type CtxAccessResult = false | 'scalar' | 'pkt' | 'pkt_end';

const off = (name: string): number => fieldNamed(SK_BUFF, name).offset;
const SKB_DATA = off('data');
const SKB_DATA_END = off('data_end');
const SKB_TC_CLASSID = off('tc_classid');
const SKB_CB_FIRST = off('cb[0]');
const SKB_CB_LAST = off('cb[4]');

function skbCommon(a: CtxAccess): boolean {
  return a.off >= 0 && a.off + a.size <= SK_BUFF.size && a.size === 4 && a.off % 4 === 0;
}

/** 4.8's sk_filter_is_valid_access */
function socketFilter(a: CtxAccess): CtxAccessResult {
  if (!skbCommon(a)) return false;
  if (a.off === SKB_TC_CLASSID || a.off === SKB_DATA || a.off === SKB_DATA_END) return false;
  if (a.write) return a.off >= SKB_CB_FIRST && a.off <= SKB_CB_LAST ? 'scalar' : false;
  return 'scalar';
}

const TC_WRITABLE = new Set(['mark', 'tc_index', 'priority', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]', 'tc_classid'].map(off));

/** 4.8's tc_cls_act_is_valid_access */
function tc(a: CtxAccess): CtxAccessResult {
  if (!skbCommon(a)) return false;
  if (a.write) return TC_WRITABLE.has(a.off) ? 'scalar' : false;
  if (a.off === SKB_DATA) return 'pkt';
  if (a.off === SKB_DATA_END) return 'pkt_end';
  return 'scalar';
}

/** 4.8's xdp_is_valid_access: struct xdp_md { data, data_end }, read-only */
function xdp(a: CtxAccess): CtxAccessResult {
  if (a.write || a.size !== 4 || a.off % 4 !== 0) return false;
  if (a.off === 0) return 'pkt';
  if (a.off === 4) return 'pkt_end';
  return false;
}

/** 4.8's kprobe_prog_is_valid_access: read-only pt_regs, any aligned size */
function kprobe(a: CtxAccess): CtxAccessResult {
  if (a.write || a.off < 0 || a.off >= PT_REGS.size || a.off % a.size !== 0) return false;
  return 'scalar';
}

/** PERF_MAX_TRACE_SIZE: the perf trace buffer a tracepoint record is in */
export const PERF_MAX_TRACE_SIZE = 2048;

/**
 * 4.8's tp_prog_is_valid_access: read-only, aligned, off < PERF_MAX_TRACE_SIZE, and not in the
 * first 8 bytes (where 4.8 puts the pt_regs pointer). That test is `off < sizeof(void *)`, an
 * unsigned comparison in C: a negative offset is not below 8, so **every negative offset passes**
 * (down to the -32768 an instruction's offset can hold) when `off % size` (C's remainder, like
 * JavaScript's `%`) is 0. The run maps memory before the record for them (kernel/run.ts).
 */
function tracepoint(a: CtxAccess): CtxAccessResult {
  const belowPointerSize = a.off >= 0 && a.off < 8;
  if (a.write || belowPointerSize || a.off >= PERF_MAX_TRACE_SIZE || a.off % a.size !== 0) return false;
  return 'scalar';
}

/** Whether a program of `progType` may make this context access, and what it yields. */
export function ctxAccess(progType: number, a: CtxAccess): CtxAccessResult {
  switch (progType) {
    case ProgType.SocketFilter:
      return socketFilter(a);
    case ProgType.SchedCls:
    case ProgType.SchedAct:
      return tc(a);
    case ProgType.Xdp:
      return xdp(a);
    case ProgType.Kprobe:
      return kprobe(a);
    case ProgType.Tracepoint:
      return tracepoint(a);
    default:
      return false;
  }
}

/** Program types that may use LD_ABS / LD_IND (4.8's may_access_skb). */
export const mayAccessSkb = (progType: number): boolean =>
  progType === ProgType.SocketFilter || progType === ProgType.SchedCls || progType === ProgType.SchedAct;

/** Direct packet writes: only XDP in 4.8 (tc got them in 4.9). */
export const mayWriteDirectPacket = (progType: number): boolean => progType === ProgType.Xdp;
