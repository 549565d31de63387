/**
 * perf_event_read and perf_event_output over a PERF_EVENT_ARRAY of simulated per-CPU events.
 * The index is flags & BPF_F_INDEX_MASK, or this CPU for BPF_F_CURRENT_CPU; -E2BIG past the
 * array, -ENOENT for an empty slot, and the event must be this CPU's. From a tc program the
 * upper flag bits (BPF_F_CTXLEN_MASK) append that many bytes of the packet to the sample.
 */
import { HelperFlag } from '../../isa';
import { isMemFault } from '../../mem';
import type { BpfMap, PerfEvent } from '../types';
import { err, fault, readArg, ret, type HelperEnv, type HelperImpl } from './env';
import { mapArg } from './maps';

/** BPF_F_CTXLEN_MASK: bits 32-51 */
const CTXLEN_MASK = 0xfffffn << 32n;

/** The event a flags argument selects, or the errno of the lookup. */
function selectEvent(env: HelperEnv, map: BpfMap, flags: bigint): PerfEvent | 'E2BIG' | 'ENOENT' {
  let index = flags & HelperFlag.INDEX_MASK;
  if (index === HelperFlag.CURRENT_CPU) index = BigInt(env.world.cpu);
  if (index >= BigInt(map.maxEntries)) return 'E2BIG';
  return env.kernel.perfEventGet(map, Number(index)) ?? 'ENOENT';
}

export const perfEventRead: HelperImpl = (env, r1, r2) => {
  const map = mapArg(env, r1);
  if (!map) return fault(`0x${r1.toString(16)} is not a map`);
  if (r2 & ~HelperFlag.INDEX_MASK) return err('EINVAL');
  const ev = selectEvent(env, map, r2);
  if (typeof ev === 'string') return err(ev);
  if (ev.cpu !== env.world.cpu) return err('EINVAL');
  return ret(ev.counter);
};

export const perfEventOutput: HelperImpl = (env, _r1, r2, r3, r4, r5) => {
  const map = mapArg(env, r2);
  if (!map) return fault(`0x${r2.toString(16)} is not a map`);
  const skb = env.run.skb;
  const allowed = skb ? HelperFlag.INDEX_MASK | CTXLEN_MASK : HelperFlag.INDEX_MASK;
  if (r3 & ~allowed) return err('EINVAL');
  const ctxLen = Number((r3 & CTXLEN_MASK) >> 32n);
  if (skb && ctxLen > skb.len) return err('EFAULT');
  const ev = selectEvent(env, map, r3);
  if (typeof ev === 'string') return err(ev);
  if (ev.cpu !== env.world.cpu) return err('EOPNOTSUPP');
  const meta = readArg(env, r4, Number(r5));
  if (isMemFault(meta)) return fault(meta);
  const data = new Uint8Array(meta.length + ctxLen);
  data.set(meta);
  if (skb && ctxLen) data.set(skb.frame.subarray(skb.f.dataOff, skb.f.dataOff + ctxLen), meta.length);
  // 4.8 returns 0 whether the ring had room or the sample was lost (perf-ring.ts)
  const written = ev.ring.output(env.world.cpu, data);
  return ret(0, [{ kind: 'perf_output', mapId: map.id, cpu: env.world.cpu, data, ...(written ? {} : { lost: true }) }]);
};
