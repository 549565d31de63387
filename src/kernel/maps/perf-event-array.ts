/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: values are fds of perf events (the kernel's perfEventOpen
 * makes simulated ones). An fd that is not a perf event gives EBADF, as perf_event_get does.
 * Non-goal: 4.8 drops the entries installed through a map fd when that fd is closed; here they
 * stay until deleted or the map is freed.
 */
import { Errno as E } from '../../isa';
import type { Errno, PerfEvent } from '../types';
import type { FileTable, MapTypeOps } from './common';
import { FdArrayMap, checkFdArrayAttr } from './fd-array';

function perfSlots(files: FileTable) {
  return {
    get(fd: number): PerfEvent | Errno {
      const f = files.fdGet(fd);
      if (!f || f.kind !== 'perf') return -E.EBADF;
      files.hold(f);
      return f.obj;
    },
    put: (obj: PerfEvent) => files.release({ kind: 'perf', obj }),
    idOf: (obj: PerfEvent) => files.idOf({ kind: 'perf', obj }),
  };
}

export const perfEventArrayOps: MapTypeOps = {
  check: checkFdArrayAttr,
  create: (ctx, attr) => new FdArrayMap<PerfEvent>(ctx, attr, perfSlots(ctx.files)),
};
