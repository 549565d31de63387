/**
 * BPF_MAP_TYPE_CGROUP_ARRAY: values are fds of cgroup v2 directories (the kernel's cgroupOpen);
 * anything else gives EBADF, as cgroup_get_from_fd does. skb_under_cgroup reads the slots.
 */
import { Errno as E } from '../../isa';
import type { Cgroup, Errno } from '../types';
import type { FileTable, MapTypeOps } from './common';
import { FdArrayMap, checkFdArrayAttr } from './fd-array';

function cgroupSlots(files: FileTable) {
  return {
    get(fd: number): Cgroup | Errno {
      const f = files.fdGet(fd);
      if (!f || f.kind !== 'cgroup') return -E.EBADF;
      files.hold(f);
      return f.obj;
    },
    put: (obj: Cgroup) => files.release({ kind: 'cgroup', obj }),
    idOf: (obj: Cgroup) => files.idOf({ kind: 'cgroup', obj }),
  };
}

export const cgroupArrayOps: MapTypeOps = {
  check: checkFdArrayAttr,
  create: (ctx, attr) => new FdArrayMap<Cgroup>(ctx, attr, cgroupSlots(ctx.files)),
};
