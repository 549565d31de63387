/**
 * The current task's `task_struct` as kernel memory, so that get_current_task returns a real
 * address and probe_read can walk it. The layout is bpflab's own, a small subset of the fields
 * tracing programs read, at documented offsets (the real 4.8 offsets depend on the kernel's
 * configuration); the IDE shows it from TASK_STRUCT.
 */
import { fieldNamed, type Layout } from '../isa';
import { leBytes } from '../mem';
import type { Task } from './types';

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
    { name: 'real_parent', offset: 32, size: 8, doc: 'the parent task_struct' },
    { name: 'comm', offset: 40, size: 16, doc: 'TASK_COMM_LEN 16, NUL-terminated' },
    { name: 'uid', offset: 56, size: 4, doc: 'cred->uid' },
    { name: 'gid', offset: 60, size: 4, doc: 'cred->gid' },
    { name: 'start_time', offset: 64, size: 8, doc: 'ns since boot' },
    { name: 'cgroup_classid', offset: 72, size: 4, doc: 'net_cls classid of its cgroup' },
  ],
};

const off = (name: string): number => fieldNamed(TASK_STRUCT, name).offset;

/**
 * The task_structs the region holds, in order: the current task, its parent init (pid 1), and
 * init's parent, the idle task swapper/0 (pid 0), whose real_parent is itself, so that walking
 * `real_parent` from the current task ends as it does on Linux.
 */
const TASK_CHAIN = 3;
/** Size of the task_struct region: the chain of TASK_CHAIN structs. */
export const TASK_REGION_SIZE = TASK_STRUCT.size * TASK_CHAIN;

/**
 * The bytes of the task_struct region, for a region whose first byte is at `base`: the current
 * task `t` (in a cgroup with net_cls `classid`), then init, then swapper/0.
 */
export function taskStructBytes(t: Task, classid: number, base: bigint): Uint8Array {
  const b = new Uint8Array(TASK_REGION_SIZE);
  const tasks = [
    { pid: t.pid, tgid: t.tgid, comm: t.comm, uid: t.uid, gid: t.gid, prio: 120, classid, parent: 1 },
    { pid: 1, tgid: 1, comm: 'systemd', uid: 0, gid: 0, prio: 120, classid: 0, parent: 2 },
    { pid: 0, tgid: 0, comm: 'swapper/0', uid: 0, gid: 0, prio: 120, classid: 0, parent: 2 },
  ];
  tasks.forEach((task, i) => {
    const at = i * TASK_STRUCT.size;
    const put = (name: string, v: number | bigint, size: number): void => b.set(leBytes(BigInt(v), size), at + off(name));
    put('stack', 0xffffc90000004000n + BigInt(i) * 0x4000n, 8);
    put('prio', task.prio, 4);
    put('pid', task.pid, 4);
    put('tgid', task.tgid, 4);
    put('real_parent', base + BigInt(task.parent * TASK_STRUCT.size), 8);
    b.set(Uint8Array.from(task.comm.slice(0, 15), (c) => c.charCodeAt(0) & 0xff), at + off('comm'));
    put('uid', task.uid, 4);
    put('gid', task.gid, 4);
    put('cgroup_classid', task.classid, 4);
  });
  return b;
}
