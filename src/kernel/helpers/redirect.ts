/**
 * redirect and clone_redirect (tc). redirect only records where the packet goes once the
 * program returns TC_ACT_REDIRECT (the ifindex is not checked until then); clone_redirect sends
 * a copy now and needs the device to exist. Both are shown as `redirect` effects.
 */
import { HelperFlag } from '../../isa';
import { LOOPBACK_IFINDEX } from '../skb';
import { err, journal, ret, u32, type HelperEnv, type HelperImpl } from './env';

const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;

/** Whether the world has a net device with this ifindex (loopback always exists). */
export function deviceExists(env: HelperEnv, ifindex: number): boolean {
  return ifindex === LOOPBACK_IFINDEX || env.world.netDevices.some((d) => d.ifindex === ifindex);
}

export const redirect: HelperImpl = (env, r1, r2) => {
  if (r2 & ~HelperFlag.INGRESS) return ret(TC_ACT_SHOT);
  const ifindex = u32(r1);
  const ingress = (r2 & HelperFlag.INGRESS) !== 0n;
  const before = env.run.redirect;
  env.run.redirect = { ifindex, ingress };
  journal(env, () => {
    env.run.redirect = before;
  });
  return ret(TC_ACT_REDIRECT, [{ kind: 'redirect', ifindex, ingress, clone: false }]);
};

export const cloneRedirect: HelperImpl = (env, _r1, r2, r3) => {
  if (r3 & ~HelperFlag.INGRESS) return err('EINVAL');
  const ifindex = u32(r2);
  if (!deviceExists(env, ifindex)) return err('EINVAL');
  return ret(0, [{ kind: 'redirect', ifindex, ingress: (r3 & HelperFlag.INGRESS) !== 0n, clone: true }]);
};
