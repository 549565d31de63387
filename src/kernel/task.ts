/**
 * The current task's `task_struct` as kernel memory, so that get_current_task returns a real
 * address and probe_read can walk it. The layout is bpflab's own, a small subset of the fields
 * tracing programs read, at documented offsets (the real 4.8 offsets depend on the kernel's
 * configuration); the IDE shows it from TASK_STRUCT.
 */
import type { Layout } from '../isa';
import { leBytes, type AddressSpace, type Region } from '../mem';
import type { World } from './types';

/** bpflab's struct task_struct. */
export const TASK_STRUCT: Layout = {
  name: 'task_struct',
  size: 128,
  fields: [
    { name: 'state', offset: 0, size: 8, doc: 'TASK_RUNNING 0' },
    { name: 'stack', offset: 8, size: 8, doc: 'kernel stack base' },
    { name: 'flags', offset: 16, size: 4 },
    { name: 'prio', offset: 20, size: 4 },
    { name: 'pid', offset: 24, size: 4 },
    { name: 'tgid', offset: 28, size: 4 },
    { name: 'real_parent', offset: 32, size: 8, doc: 'the parent task_struct (NULL here)' },
    { name: 'comm', offset: 40, size: 16, doc: 'TASK_COMM_LEN 16, NUL-terminated' },
    { name: 'uid', offset: 56, size: 4, doc: 'cred->uid' },
    { name: 'gid', offset: 60, size: 4, doc: 'cred->gid' },
    { name: 'start_time', offset: 64, size: 8, doc: 'ns since boot' },
    { name: 'cgroup_classid', offset: 72, size: 4, doc: 'net_cls classid of its cgroup' },
  ],
};

const off = (name: string): number => TASK_STRUCT.fields.find((f) => f.name === name)!.offset;
const TASK_REGION_NAME = 'task_struct';

/** The bytes of the current task's task_struct in the world. */
export function taskStructBytes(world: World): Uint8Array {
  const b = new Uint8Array(TASK_STRUCT.size);
  const put = (name: string, v: number | bigint, size: number): void => b.set(leBytes(BigInt(v), size), off(name));
  const t = world.task;
  put('stack', 0xffffc90000004000n, 8);
  put('prio', 120, 4);
  put('pid', t.pid, 4);
  put('tgid', t.tgid, 4);
  b.set(Uint8Array.from(t.comm.slice(0, 15), (c) => c.charCodeAt(0) & 0xff), off('comm'));
  put('uid', t.uid, 4);
  put('gid', t.gid, 4);
  const classid = world.cgroups.find((c) => c.path === t.cgroup)?.classid ?? 0;
  put('cgroup_classid', classid, 4);
  return b;
}

/**
 * The task_struct region of `mem`, mapped on first use and refreshed from the world (the
 * kernel writes it, so no journal entry: the world itself is journaled).
 */
export function taskRegion(mem: AddressSpace, world: World): Region {
  for (const r of mem.regions()) {
    if (r.kind === 'task' && r.name === TASK_REGION_NAME) {
      r.bytes.set(taskStructBytes(world));
      return r;
    }
  }
  return mem.map('task', TASK_REGION_NAME, taskStructBytes(world), false);
}
