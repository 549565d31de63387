/**
 * The map types of Linux 4.8, keyed by enum bpf_map_type. MAP_CREATE finds the type here, runs
 * its checks and builds it; an unknown type is EINVAL.
 */
import { MapType } from '../../isa';
import { arrayOps } from './array';
import { cgroupArrayOps } from './cgroup-array';
import type { MapTypeOps } from './common';
import { hashOps } from './hash';
import { percpuArrayOps } from './percpu-array';
import { percpuHashOps } from './percpu-hash';
import { perfEventArrayOps } from './perf-event-array';
import { progArrayOps } from './prog-array';
import { stackTraceOps } from './stack-trace';

export const MAP_TYPES: ReadonlyMap<number, MapTypeOps> = new Map([
  [MapType.Hash, hashOps],
  [MapType.Array, arrayOps],
  [MapType.ProgArray, progArrayOps],
  [MapType.PerfEventArray, perfEventArrayOps],
  [MapType.PercpuHash, percpuHashOps],
  [MapType.PercpuArray, percpuArrayOps],
  [MapType.StackTrace, stackTraceOps],
  [MapType.CgroupArray, cgroupArrayOps],
]);

export { MapBase, type FileObject, type FileTable } from './common';
export { StackTraceMap } from './stack-trace';
export { jhash, jhash2 } from './jhash';
