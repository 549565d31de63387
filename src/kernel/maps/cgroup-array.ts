/**
 * BPF_MAP_TYPE_CGROUP_ARRAY: values are fds of cgroup v2 directories (the kernel's cgroupOpen);
 * anything else gives EBADF, as cgroup_get_from_fd does. skb_under_cgroup reads the slots.
 */
import type { Cgroup } from '../types';
import type { MapTypeOps } from './common';
import { FdArrayMap, checkFdArrayAttr, fileSlots } from './fd-array';

export const cgroupArrayOps: MapTypeOps = {
  check: checkFdArrayAttr,
  create: (ctx, attr) => new FdArrayMap(ctx, attr, fileSlots<Cgroup>(ctx.files, 'cgroup')),
};
