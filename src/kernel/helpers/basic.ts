/**
 * Helpers of every program type that read the simulated world: ktime_get_ns (the virtual
 * clock), get_prandom_u32 (the seeded PRNG, journaled by the world) and get_smp_processor_id.
 */
import { ret, type HelperImpl } from './env';

export const ktimeGetNs: HelperImpl = (env) => ret(env.world.clockNs);
export const getPrandomU32: HelperImpl = (env) => ret(env.world.nextRandom32() >>> 0);
export const getSmpProcessorId: HelperImpl = (env) => ret(env.world.cpu);
