/**
 * The current task and kernel memory: get_current_pid_tgid, get_current_uid_gid,
 * get_current_comm (strncpy into the buffer, then a NUL at its last byte), get_current_task,
 * probe_read (-EFAULT with the buffer zeroed when the source is not mapped) and
 * probe_write_user (user memory of the current task only, -EPERM for kernel addresses).
 */
import { isMemFault } from '../../mem';
import { fault, readArg, ret, err, u32, writeArg, type HelperImpl } from './env';

export const getCurrentPidTgid: HelperImpl = (env) => {
  const t = env.world.task;
  return ret((BigInt(t.tgid >>> 0) << 32n) | BigInt(t.pid >>> 0));
};

export const getCurrentUidGid: HelperImpl = (env) => {
  const t = env.world.task;
  return ret((BigInt(t.gid >>> 0) << 32n) | BigInt(t.uid >>> 0));
};

export const getCurrentComm: HelperImpl = (env, r1, r2) => {
  const size = u32(r2);
  if (size === 0) return ret(0);
  // strncpy pads with NULs up to size; the last byte is always NUL
  const buf = new Uint8Array(size);
  const comm = env.world.task.comm.slice(0, 15);
  for (let i = 0; i < comm.length && i < size; i++) buf[i] = comm.charCodeAt(i) & 0xff;
  buf[size - 1] = 0;
  const f = writeArg(env, r1, buf);
  return f ? fault(f) : ret(0);
};

export const getCurrentTask: HelperImpl = (env) => ret(env.world.taskAddr ?? 0n);

export const probeRead: HelperImpl = (env, r1, r2, r3) => {
  const size = Number(BigInt.asIntN(32, r2));
  if (size <= 0) return ret(0);
  const src = env.mem.read(r3, size);
  const data = isMemFault(src) ? new Uint8Array(size) : src;
  const f = writeArg(env, r1, data);
  if (f) return fault(f);
  return isMemFault(src) ? err('EFAULT') : ret(0);
};

/** x86-64 TASK_SIZE_MAX: addresses below it are user space */
const USER_TOP = 0x00007ffffffff000n;

export const probeWriteUser: HelperImpl = (env, r1, r2, r3) => {
  const size = Number(BigInt.asIntN(32, r3));
  const src = readArg(env, r2, Math.max(size, 0));
  if (isMemFault(src)) return fault(src);
  const dst = BigInt.asUintN(64, r1);
  // access_ok: the whole range must be user space
  if (size < 0 || dst + BigInt(size) > USER_TOP) return err('EPERM');
  const where = env.mem.resolve(dst, size, true);
  if (isMemFault(where) || where.region.kind !== 'user') return err('EFAULT');
  env.mem.writeAt(where.region, where.offset, src);
  return ret(0);
};
