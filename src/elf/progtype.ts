/**
 * The program type a 4.8-era loader gave a section by its name: samples/bpf's bpf_load.c
 * (socket, kprobe/, kretprobe/, tracepoint/, xdp), iproute2's tc (classifier, action).
 * Not here: names that only later kernels' loaders knew (perf_event, cgroup/, lwt_, sk_skb...).
 */
import { ProgType } from '../isa';

const PREFIXES: readonly [string, number][] = [
  ['socket', ProgType.SocketFilter],
  ['kprobe/', ProgType.Kprobe],
  ['kretprobe/', ProgType.Kprobe],
  ['tracepoint/', ProgType.Tracepoint],
  ['xdp', ProgType.Xdp],
  ['classifier', ProgType.SchedCls],
  ['action', ProgType.SchedAct],
];

/** enum bpf_prog_type for a section name, or undefined when 4.8-era loaders had no rule for it. */
export function progTypeOfSection(name: string): number | undefined {
  for (const [prefix, type] of PREFIXES) if (name.startsWith(prefix)) return type;
  return undefined;
}
