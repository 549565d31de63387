/**
 * get_stackid: the world's kernel stack (or with BPF_F_USER_STACK the user stack), cut to the
 * map's depth (value_size / 8 frames, innermost first), then the skip field's frames dropped;
 * -EFAULT if nothing is left. The STACK_TRACE map stores it (KernelServices.stackStore, with
 * BPF_F_FAST_STACK_CMP and BPF_F_REUSE_STACKID) and names its id.
 */
import { HelperFlag, MapType } from '../../isa';
import { err, fault, ret, type HelperImpl } from './env';
import { mapArg } from './maps';

const STACKID_FLAGS = HelperFlag.SKIP_FIELD_MASK | HelperFlag.USER_STACK | HelperFlag.FAST_STACK_CMP | HelperFlag.REUSE_STACKID;

export const getStackid: HelperImpl = (env, _r1, r2, r3) => {
  const map = mapArg(env, r2);
  if (!map || map.mapType !== MapType.StackTrace) return fault(`0x${r2.toString(16)} is not a stack trace map`);
  if (r3 & ~STACKID_FLAGS) return err('EINVAL');
  const skip = Number(r3 & HelperFlag.SKIP_FIELD_MASK);
  const stack = r3 & HelperFlag.USER_STACK ? env.world.userStack : env.world.kernelStack;
  const depth = Math.min(stack.length, Math.floor(map.valueSize / 8));
  if (depth <= skip) return err('EFAULT');
  const ips = stack.slice(skip, depth).map((f) => f.ip);
  return ret(env.kernel.stackStore(map, ips, r3));
};
