/**
 * BPF_MAP_TYPE_PROG_ARRAY: the tail-call jump table. Values are program fds; the array takes the
 * type of the first program stored in it or loaded with it (bpf_prog_array_compatible), and
 * refuses programs of another type with EINVAL.
 */
import { Errno as E } from '../../isa';
import type { Errno, LoadedProg, MapAttr } from '../types';
import type { FileTable, MapCtx, MapTypeOps } from './common';
import { FdArrayMap, checkFdArrayAttr } from './fd-array';

export class ProgArrayMap extends FdArrayMap<LoadedProg> {
  /** the program type of the array, 0 until the first program claims it */
  ownerProgType = 0;

  constructor(ctx: MapCtx, attr: MapAttr) {
    super(ctx, attr, progSlots(ctx.files));
  }

  /** bpf_prog_array_compatible: the first program sets the owner type, later ones must match. */
  compatible(prog: { progType: number }): boolean {
    if (this.ownerProgType === 0) {
      this.ownerProgType = prog.progType;
      return true;
    }
    return this.ownerProgType === prog.progType;
  }
}

function progSlots(files: FileTable) {
  return {
    get(fd: number, map: FdArrayMap<LoadedProg>): LoadedProg | Errno {
      const f = files.fdGet(fd);
      if (!f) return -E.EBADF;
      if (f.kind !== 'prog') return -E.EINVAL;
      const held = files.hold(f);
      if (held) return held;
      if (!(map as ProgArrayMap).compatible(f.obj)) {
        files.release(f);
        return -E.EINVAL;
      }
      return f.obj;
    },
    put: (obj: LoadedProg) => files.release({ kind: 'prog', obj }),
    idOf: (obj: LoadedProg) => obj.id,
  };
}

export const progArrayOps: MapTypeOps = {
  check: checkFdArrayAttr,
  create: (ctx, attr) => new ProgArrayMap(ctx, attr),
};
