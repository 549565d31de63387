/** Register operand checks (4.8's check_reg_arg): valid number, readable source, writable destination. */
import { Errno, R10 } from '../isa';
import { fail, type VerifierEnv } from './env';
import { MAX_BPF_REG, RegType } from './state';

/** A source operand must be a real register that holds something. */
export function checkRegRead(env: VerifierEnv, r: number): number {
  if (r >= MAX_BPF_REG) return fail(env, Errno.EINVAL, 'reg_invalid', r);
  if (env.cur.type(r) === RegType.NOT_INIT) return fail(env, Errno.EACCES, 'reg_not_init', r);
  return 0;
}

/** A destination must be a real register other than fp; `mark` makes it unknown right away. */
export function checkRegWrite(env: VerifierEnv, r: number, mark: boolean): number {
  if (r >= MAX_BPF_REG) return fail(env, Errno.EINVAL, 'reg_invalid', r);
  if (r === R10) return fail(env, Errno.EACCES, 'frame_pointer_read_only');
  if (mark) env.cur.markUnknown(r);
  return 0;
}
