/**
 * The hottest helpers again, for runs nobody watches step by step (run --json's repeats, capture
 * replay, a Continue): the same results as their implementations beside this file, with the
 * registers read and written as 32-bit halves, no BigInt, and no effects (effects are for the
 * debugger's step events; a step that builds one takes the general path). A fast helper may
 * decline (returns false) where anything is unusual (a key that is not plain memory, a map
 * without the fast lookup); the general path then does the call and reports any fault.
 *
 * r1-r5 are the argument registers' halves in L[1..5] and H[1..5]; the result goes into L[0], H[0].
 */
import type { BpfMap, KernelServices } from '../types';
import type { HelperEnv } from './env';

type FastHelper = (env: HelperEnv, L: Int32Array, H: Int32Array) => boolean;

const out = new Int32Array(2);

/** Maps by the low half of their object address (ids, and so addresses, are never reused), per kernel. */
const mapsByLow = new WeakMap<KernelServices, Map<number, { hi: number; map: BpfMap }>>();

/** The map whose object address is (hi, lo), or undefined. */
function mapAt(env: HelperEnv, hi: number, lo: number): BpfMap | undefined {
  let byLow = mapsByLow.get(env.kernel);
  if (byLow === undefined) mapsByLow.set(env.kernel, (byLow = new Map()));
  const e = byLow.get(lo);
  if (e !== undefined && e.hi === hi) return e.map;
  const map = env.kernel.mapByAddr((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  if (map !== undefined) byLow.set(lo, { hi, map });
  return map;
}

/** `len` bytes of plain program memory at (hi, lo), as a view (no copy), or null when not plain memory or out of bounds. */
function argBytes(env: HelperEnv, hi: number, lo: number, len: number): Uint8Array | null {
  const r = env.mem.regionOfHi(hi);
  if (r === undefined || r.hooks !== undefined) return null;
  const o = (lo >>> 0) - r.lo;
  if (o < 0 || o + len > r.size) return null;
  return r.bytes.subarray(o, o + len);
}

/** bpf_map_lookup_elem(map, key): the value's address on this CPU, or 0. */
const mapLookupElem: FastHelper = (env, L, H) => {
  const map = mapAt(env, H[1], L[1]);
  if (map === undefined || map.lookupHalves === undefined) return false;
  const key = argBytes(env, H[2], L[2], map.keySize);
  if (key === null) return false;
  map.lookupHalves(key, env.world.cpu, out);
  L[0] = out[0];
  H[0] = out[1];
  return true;
};

/** bpf_get_prandom_u32(): the world's seeded PRNG (journaled by the world). */
const getPrandomU32: FastHelper = (env, L, H) => {
  L[0] = env.world.nextRandom32() | 0;
  H[0] = 0;
  return true;
};

/** bpf_get_smp_processor_id(): the CPU the program runs on. */
const getSmpProcessorId: FastHelper = (env, L, H) => {
  L[0] = env.world.cpu | 0;
  H[0] = 0;
  return true;
};

/** The fast helpers by id. */
export const FAST_HELPERS: ReadonlyMap<number, FastHelper> = new Map([
  [1, mapLookupElem],
  [7, getPrandomU32],
  [8, getSmpProcessorId],
]);
