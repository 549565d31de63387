/**
 * The packet's socket and route: get_cgroup_classid (the net_cls classid of the task's cgroup),
 * get_route_realm (the realm of skb->dst, 0 without a route, as on a test-run skb or after
 * skb_set_tunnel_key) and skb_in_cgroup (whether the socket's cgroup is at or below the one in
 * a CGROUP_ARRAY slot).
 */
import { MapType } from '../../isa';
import { err, fault, ret, skbOf, u32, type HelperImpl } from './env';
import { mapArg } from './maps';
import { cgroupIsDescendant, findCgroup } from '../world';

export const getCgroupClassid: HelperImpl = (env) => ret(findCgroup(env.world.cgroups, env.world.task.cgroup)?.classid ?? 0);

export const getRouteRealm: HelperImpl = (env) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  return ret(skb.f.route ? env.world.routeRealm >>> 0 : 0);
};

export const skbInCgroup: HelperImpl = (env, _r1, r2, r3) => {
  const map = mapArg(env, r2);
  if (!map || map.mapType !== MapType.CgroupArray) return fault(`0x${r2.toString(16)} is not a cgroup array`);
  const index = u32(r3);
  if (index >= map.maxEntries) return err('E2BIG');
  const cg = env.kernel.cgroupGet(map, index);
  if (!cg) return err('EAGAIN');
  return ret(cgroupIsDescendant(env.world.task.cgroup, cg.path) ? 1 : 0);
};
