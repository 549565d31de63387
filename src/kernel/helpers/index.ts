/**
 * The helper registry: each helper id of Linux 4.8 (1-36) with its prototype (isa/helpers.ts,
 * which the verifier reads), the file of its family, and its implementation. The run builder
 * (kernel/run.ts) dispatches through it; which program types may call a helper is
 * progtypes/funcproto.ts's (4.8's func_proto per type), as the verifier sees it.
 */
import { helperById, type HelperProto } from '../../isa';
import { helperFor } from '../progtypes/funcproto';
import { getCurrentComm, getCurrentPidTgid, getCurrentTask, getCurrentUidGid, probeRead, probeWriteUser } from './task';
import { getCgroupClassid, getRouteRealm, skbInCgroup } from './cgroup';
import { csumDiff, l3CsumReplace, l4CsumReplace } from './csum';
import { getPrandomU32, getSmpProcessorId, ktimeGetNs } from './basic';
import { getHashRecalc, skbChangeProto, skbChangeType } from './proto';
import { mapDeleteElem, mapLookupElem, mapUpdateElem } from './maps';
import { perfEventOutput, perfEventRead } from './perf';
import { cloneRedirect, redirect } from './redirect';
import { skbLoadBytes, skbStoreBytes } from './skbbytes';
import { getStackid } from './stack';
import { tailCall } from './tailcall';
import { tracePrintk } from './trace';
import { skbGetTunnelKey, skbGetTunnelOpt, skbSetTunnelKey, skbSetTunnelOpt } from './tunnel';
import { skbVlanPop, skbVlanPush } from './vlan';
import type { HelperImpl } from './env';

export type { HelperEnv, RunState } from './env';

interface HelperEntry {
  proto: HelperProto;
  /** the file under kernel/helpers/ that implements it */
  family: string;
  impl: HelperImpl;
}

const IMPLS: Record<number, [string, HelperImpl]> = {
  1: ['maps', mapLookupElem],
  2: ['maps', mapUpdateElem],
  3: ['maps', mapDeleteElem],
  4: ['task', probeRead],
  5: ['basic', ktimeGetNs],
  6: ['trace', tracePrintk],
  7: ['basic', getPrandomU32],
  8: ['basic', getSmpProcessorId],
  9: ['skbbytes', skbStoreBytes],
  10: ['csum', l3CsumReplace],
  11: ['csum', l4CsumReplace],
  12: ['tailcall', tailCall],
  13: ['redirect', cloneRedirect],
  14: ['task', getCurrentPidTgid],
  15: ['task', getCurrentUidGid],
  16: ['task', getCurrentComm],
  17: ['cgroup', getCgroupClassid],
  18: ['vlan', skbVlanPush],
  19: ['vlan', skbVlanPop],
  20: ['tunnel', skbGetTunnelKey],
  21: ['tunnel', skbSetTunnelKey],
  22: ['perf', perfEventRead],
  23: ['redirect', redirect],
  24: ['cgroup', getRouteRealm],
  25: ['perf', perfEventOutput],
  26: ['skbbytes', skbLoadBytes],
  27: ['stack', getStackid],
  28: ['csum', csumDiff],
  29: ['tunnel', skbGetTunnelOpt],
  30: ['tunnel', skbSetTunnelOpt],
  31: ['proto', skbChangeProto],
  32: ['proto', skbChangeType],
  33: ['cgroup', skbInCgroup],
  34: ['proto', getHashRecalc],
  35: ['task', getCurrentTask],
  36: ['task', probeWriteUser],
};

/** Every implemented helper, by id. */
export const HELPER_REGISTRY: ReadonlyMap<number, HelperEntry> = new Map(
  Object.entries(IMPLS).map(([id, [family, impl]]) => [Number(id), { proto: helperById(Number(id))!, family, impl }]),
);

/** Whether a program of `progType` may call helper `id` here: offered to the type (funcproto.ts) and implemented. */
export const helperOffered = (progType: number, id: number, privileged: boolean): boolean =>
  HELPER_REGISTRY.has(id) && helperFor(progType, id, privileged) !== null;
