/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: values are fds of perf events (the kernel's perfEventOpen
 * makes simulated ones). An fd that is not a perf event gives EBADF, as perf_event_get does.
 * Non-goal: 4.8 drops the entries installed through a map fd when that fd is closed; here they
 * stay until deleted or the map is freed.
 */
import type { PerfEvent } from '../types';
import type { MapTypeOps } from './common';
import { FdArrayMap, checkFdArrayAttr, fileSlots } from './fd-array';

export const perfEventArrayOps: MapTypeOps = {
  check: checkFdArrayAttr,
  create: (ctx, attr) => new FdArrayMap(ctx, attr, fileSlots<PerfEvent>(ctx.files, 'perf')),
};
