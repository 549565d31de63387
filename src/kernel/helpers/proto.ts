/**
 * skb_change_proto (IPv4 <-> IPv6: 20 zero bytes inserted after the MAC header, or removed;
 * the program writes the new header itself), skb_change_type (pkt_type within
 * PACKET_HOST..PACKET_OTHERHOST) and get_hash_recalc.
 */
import { Errno } from '../../isa';
import { ETH_P_IP, ETH_P_IPV6, PACKET_OTHERHOST, swab16 } from '../skb';
import type { Effect } from '../types';
import { err, ret, skbOf, u32, type HelperImpl } from './env';
import { flowHash } from './flowhash';

/** sizeof(struct ipv6hdr) - sizeof(struct iphdr) */
const LEN_DIFF = 20;

export const skbChangeProto: HelperImpl = (env, _r1, r2, r3) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  if (r3 !== 0n) return err('EINVAL');
  const to = swab16(u32(r2) & 0xffff);
  const from = skb.f.protocol;
  const off = skb.f.netOff; // skb_mac_header_len
  const oldLen = skb.len;
  if (from === ETH_P_IP && to === ETH_P_IPV6) {
    skb.insert(off, LEN_DIFF);
    skb.f.protocol = ETH_P_IPV6;
  } else if (from === ETH_P_IPV6 && to === ETH_P_IP) {
    if (skb.len < off + LEN_DIFF) return err('ENOMEM');
    skb.remove(off, LEN_DIFF);
    skb.f.protocol = ETH_P_IP;
  } else {
    return ret(-Errno.ENOTSUPP);
  }
  skb.f.hash = 0;
  const effect: Effect = { kind: 'packet_resize', oldLen, newLen: skb.len };
  return ret(0, [effect]);
};

export const skbChangeType: HelperImpl = (env, _r1, r2) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  const type = u32(r2);
  if (skb.f.pktType > PACKET_OTHERHOST || type > PACKET_OTHERHOST) return err('EINVAL');
  skb.save();
  skb.f.pktType = type;
  return ret(0);
};

export const getHashRecalc: HelperImpl = (env) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  if (skb.f.hash === 0) {
    skb.save();
    skb.f.hash = flowHash(skb, env.world.seed);
  }
  return ret(skb.f.hash >>> 0);
};
