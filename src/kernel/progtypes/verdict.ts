/**
 * What a program's return value means for its type: a socket filter's is the number of bytes
 * to keep (0 drops the packet), a tc program's a TC_ACT_* action, an XDP program's an XDP_*
 * action; kprobe and tracepoint programs return a plain number (non-zero lets the event through
 * to the perf ring).
 */
import { ProgType, TC_ACT_NAMES } from '../../isa';
import { XDP_ACTIONS } from './xdp';

export interface Verdict {
  /** a short name: "TC_ACT_OK", "XDP_PASS", "keep 40 bytes", "drop", "r0 = 5" */
  name: string;
  /** socket filters: bytes of the packet kept (the packet is truncated to them) */
  kept?: number;
}

/** Interprets the low 32 bits of r0 for a program of `progType` that saw a packet of `len` bytes. */
export function verdictOf(progType: number, retval: number, len: number): Verdict {
  const u = retval >>> 0;
  const s = u | 0;
  switch (progType) {
    case ProgType.SocketFilter:
      if (u === 0) return { name: 'drop', kept: 0 };
      return { name: u >= len ? `keep all ${len} bytes` : `keep ${u} bytes`, kept: Math.min(u, len) };
    case ProgType.SchedCls:
    case ProgType.SchedAct:
      return { name: TC_ACT_NAMES[s] ?? `unknown tc action ${s}` };
    case ProgType.Xdp:
      return { name: XDP_ACTIONS[u] ?? `unknown XDP action ${u} (dropped)` };
    default:
      return { name: `r0 = ${u}` };
  }
}
