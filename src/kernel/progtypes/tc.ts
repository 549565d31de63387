/**
 * BPF_PROG_TYPE_SCHED_CLS and BPF_PROG_TYPE_SCHED_ACT (4.8's tc_cls_act_prog_ops, which both
 * share): tc classifiers and actions run on a packet's skb from its Ethernet header and return a
 * TC_ACT_* action. They read every __sk_buff field, data and data_end as packet pointers (direct
 * packet reads; writes came in 4.9), write mark, tc_index, priority, cb[] and tc_classid, and
 * have the skb helpers on top of the networking base.
 */
import { ProgType, SK_BUFF, TC_ACT_NAMES, fieldNamed } from '../../isa';
import { defineProgType, funcProto, skFilterFuncProto } from './common';
import { SKB_CTX_IN, buildSkbContext, skbCommon } from './skbctx';
import type { CtxAccess, CtxAccessResult, ProgTypeOps } from './types';

const off = (name: string): number => fieldNamed(SK_BUFF, name).offset;
const DATA = off('data');
const DATA_END = off('data_end');
const WRITABLE = new Set(['mark', 'tc_index', 'priority', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]', 'tc_classid'].map(off));

/** 4.8's tc_cls_act_is_valid_access */
function access(a: CtxAccess): CtxAccessResult {
  if (!skbCommon(a)) return false;
  if (a.write) return WRITABLE.has(a.off) ? 'scalar' : false;
  if (a.off === DATA) return 'pkt';
  if (a.off === DATA_END) return 'pkt_end';
  return 'scalar';
}

/** 4.8's tc_cls_act_func_proto */
const tcFuncProto = funcProto(
  [
    'skb_store_bytes', 'skb_load_bytes', 'csum_diff', 'l3_csum_replace', 'l4_csum_replace', 'clone_redirect',
    'get_cgroup_classid', 'skb_vlan_push', 'skb_vlan_pop', 'skb_change_proto', 'skb_change_type',
    'skb_get_tunnel_key', 'skb_set_tunnel_key', 'skb_get_tunnel_opt', 'skb_set_tunnel_opt', 'redirect',
    'get_route_realm', 'get_hash_recalc', 'perf_event_output', 'get_smp_processor_id', 'skb_in_cgroup',
  ],
  skFilterFuncProto,
);

const tc = (type: number, name: string, title: string): ProgTypeOps =>
  defineProgType({
    info: { type, name, title, packet: true, ctxIn: SKB_CTX_IN },
    unprivileged: false,
    ctx: { layout: SK_BUFF },
    ctxAccess: access,
    ldAbs: true,
    packetWrite: false,
    funcProto: tcFuncProto,
    checksKernVersion: false,
    traceFlags: '..s1',
    buildContext: (kernel, input) => buildSkbContext(kernel, input, access, false),
    verdict(retval) {
      const s = retval | 0;
      return { name: TC_ACT_NAMES[s] ?? `unknown tc action ${s}` };
    },
  });

export const schedClsOps = tc(ProgType.SchedCls, 'sched_cls', 'tc classifier');
export const schedActOps = tc(ProgType.SchedAct, 'sched_act', 'tc action');
