/**
 * redirect and clone_redirect (tc). redirect only records where the packet goes once the
 * program returns TC_ACT_REDIRECT (the ifindex is not checked until then); clone_redirect sends
 * a copy now and needs the device to exist. Both are shown as `redirect` effects.
 */
import { HelperFlag } from '../../isa';
import { deviceExists } from '../skb';
import { err, journal, ret, u32, type HelperImpl } from './env';

const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;

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
  if (!deviceExists(env.world, ifindex)) return err('EINVAL');
  return ret(0, [{ kind: 'redirect', ifindex, ingress: (r3 & HelperFlag.INGRESS) !== 0n, clone: true }]);
};
