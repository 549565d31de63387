/** BPF_MAP_TYPE_PERCPU_ARRAY: the array of array.ts with one copy of every value per CPU. */
import { ArrayMap, checkArrayAttr } from './array';
import type { MapTypeOps } from './common';

export const percpuArrayOps: MapTypeOps = {
  check: (attr, env) => checkArrayAttr(attr, env, true),
  create: (ctx, attr) => new ArrayMap(ctx, attr, true),
};
