/**
 * map_lookup_elem, map_update_elem, map_delete_elem: the program side of the generic maps.
 * The map object checks flags, sizes and capacity with 4.8's errno order (maps/); these read
 * the key and value from program memory, work on this CPU's copy of per-CPU maps, and report
 * what changed as effects for the debugger.
 */
import { isMemFault } from '../../mem';
import type { BpfMap, Effect } from '../types';
import { err, fault, readArg, ret, type HelperEnv, type HelperImpl } from './env';

/** The map whose object address a program passed (what ld_imm64 of a map loaded). */
export function mapArg(env: HelperEnv, addr: bigint): BpfMap | null {
  return env.kernel.mapByAddr(addr) ?? null;
}

const noMap = (addr: bigint): ReturnType<HelperImpl> => fault(`0x${addr.toString(16)} is not a map`);

/** This CPU's current value of `key`, for the old value of an effect. */
function currentValue(env: HelperEnv, map: BpfMap, key: Uint8Array): Uint8Array | null {
  const addr = map.lookupAddr?.(key, env.world.cpu) ?? 0n;
  if (addr === 0n) return null;
  const v = env.mem.read(addr, map.valueSize);
  return isMemFault(v) ? null : v;
}

export const mapLookupElem: HelperImpl = (env, r1, r2) => {
  const map = mapArg(env, r1);
  if (!map) return noMap(r1);
  const key = readArg(env, r2, map.keySize);
  if (isMemFault(key)) return fault(key);
  const addr = map.lookupAddr?.(key, env.world.cpu) ?? 0n;
  return ret(addr, [{ kind: 'map_lookup', mapId: map.id, key, found: addr !== 0n }]);
};

export const mapUpdateElem: HelperImpl = (env, r1, r2, r3, r4) => {
  const map = mapArg(env, r1);
  if (!map) return noMap(r1);
  const key = readArg(env, r2, map.keySize);
  if (isMemFault(key)) return fault(key);
  const value = readArg(env, r3, map.valueSize);
  if (isMemFault(value)) return fault(value);
  if (!map.updateFromProg) return err('EINVAL');
  const old = currentValue(env, map, key);
  const rc = map.updateFromProg(key, value, r4, env.world.cpu);
  if (rc !== 0) return ret(rc);
  const effect: Effect = { kind: 'map_update', mapId: map.id, key, old, value };
  return ret(0, [effect]);
};

export const mapDeleteElem: HelperImpl = (env, r1, r2) => {
  const map = mapArg(env, r1);
  if (!map) return noMap(r1);
  const key = readArg(env, r2, map.keySize);
  if (isMemFault(key)) return fault(key);
  if (!map.deleteFromProg) return err('EINVAL');
  const old = currentValue(env, map, key);
  const rc = map.deleteFromProg(key);
  if (rc !== 0 || !old) return ret(rc);
  return ret(0, [{ kind: 'map_delete', mapId: map.id, key, old }]);
};
