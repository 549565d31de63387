/**
 * The arrays whose values are file descriptors (4.8's fd_array_map_*): PROG_ARRAY,
 * PERF_EVENT_ARRAY and CGROUP_ARRAY. bpf(2) writes an fd; the slot keeps the object the fd
 * names, with a reference. User space cannot read them back (lookup gives ENOENT in 4.8),
 * update takes only BPF_ANY, and programs reach the objects through the kernel's services
 * (tail_call, perf_event_output, skb_under_cgroup), never through map_lookup_elem.
 */
import { Errno as E } from '../../isa';
import { leValue } from '../../mem';
import type { Cgroup, Errno, MapAttr, PerfEvent } from '../types';
import { MapBase, arrayNextKey, indexKey, keyIndex, type FileObject, type FileTable, type MapCreateEnv, type MapCtx } from './common';
import { BPF_ARRAY_HEADER, checkArrayAttr } from './array';

/** How a slot gets and drops its object: the kernel provides these per map type. */
interface FdSlotOps<T> {
  /** the object fd names, with a reference taken, or a negative errno (EBADF, EINVAL, ...) */
  get(fd: number, map: FdArrayMap<T>): T | Errno;
  /** drops the reference a slot held */
  put(obj: T): void;
  /** what entries() shows as a slot's value: the object's id */
  idOf(obj: T): number;
}

/**
 * The slots of an array of open files of one kind (perf events, cgroups): an fd of another kind
 * gives EBADF, as perf_event_get and cgroup_get_from_fd do.
 */
export function fileSlots<T extends PerfEvent | Cgroup>(files: FileTable, kind: 'perf' | 'cgroup'): FdSlotOps<T> {
  const file = (obj: T) => ({ kind, obj }) as FileObject;
  return {
    get(fd) {
      const f = files.fdGet(fd);
      if (!f || f.kind !== kind) return -E.EBADF;
      files.hold(f);
      return f.obj as T;
    },
    put: (obj) => files.release(file(obj)),
    idOf: (obj) => files.idOf(file(obj)),
  };
}

/** fd_array_map_alloc: an array of 4-byte values. */
export function checkFdArrayAttr(attr: MapAttr, env: MapCreateEnv): { cost: number } | Errno {
  if (attr.valueSize !== 4) return -E.EINVAL;
  const r = checkArrayAttr(attr, env, false);
  if (typeof r === 'number') return r;
  return { cost: BPF_ARRAY_HEADER + attr.maxEntries * 8 };
}

export class FdArrayMap<T> extends MapBase {
  readonly userValueSize = 4;
  private readonly slots: (T | null)[];

  constructor(
    ctx: MapCtx,
    attr: MapAttr,
    private readonly ops: FdSlotOps<T>,
  ) {
    super(ctx, attr);
    this.slots = new Array(attr.maxEntries).fill(null);
  }

  /** The object in slot `index`, or null when empty or out of range. */
  slot(index: number): T | null {
    return index >= 0 && index < this.maxEntries ? this.slots[index] : null;
  }

  private set(index: number, obj: T | null): void {
    const old = this.slots[index];
    this.slots[index] = obj;
    this.mem.journal?.push(() => {
      this.slots[index] = old;
    });
    if (old !== null) this.ops.put(old);
  }

  lookup(): Uint8Array | Errno {
    return -E.ENOENT;
  }

  /** bpf_fd_array_map_update_elem */
  update(key: Uint8Array, value: Uint8Array, flags: bigint): 0 | Errno {
    if (flags !== 0n) return -E.EINVAL;
    const index = keyIndex(key);
    if (index >= this.maxEntries) return -E.E2BIG;
    const obj = this.ops.get(Number(BigInt.asIntN(32, leValue(value, 0, 4))), this);
    if (typeof obj === 'number') return obj;
    this.set(index, obj);
    return 0;
  }

  /** fd_array_map_delete_elem */
  delete(key: Uint8Array): 0 | Errno {
    const index = keyIndex(key);
    if (index >= this.maxEntries) return -E.E2BIG;
    if (this.slots[index] === null) return -E.ENOENT;
    this.set(index, null);
    return 0;
  }

  getNextKey(key: Uint8Array | null): Uint8Array | Errno {
    return arrayNextKey(this.maxEntries, key);
  }

  /** The occupied slots; the value shown is the object's id (4.8 cannot read them back). */
  *entries(): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (let i = 0; i < this.maxEntries; i++) {
      const obj = this.slots[i];
      if (obj !== null) yield { key: indexKey(i), value: indexKey(this.ops.idOf(obj)) };
    }
  }

  /** bpf_fd_array_map_clear: drops every slot (a PROG_ARRAY when its last user reference goes). */
  override clear(): void {
    for (let i = 0; i < this.maxEntries; i++) if (this.slots[i] !== null) this.set(i, null);
  }

  override free(): void {
    this.clear();
    super.free();
  }
}
