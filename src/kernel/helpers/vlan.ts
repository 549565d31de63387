/**
 * skb_vlan_push and skb_vlan_pop as 4.8's skb_vlan_push/skb_vlan_pop do them: the outer tag
 * lives as metadata (the "hwaccel" tag, vlan_tci with VLAN_TAG_PRESENT in bit 12); pushing a
 * second tag first moves the present one into the frame after the MAC addresses (losing its
 * bit 12, the DEI), popping clears the metadata tag (4.8 leaves vlan_proto as it was) or
 * removes the in-frame tag, then moves the next in-frame tag into the metadata.
 */
import type { Skb } from '../skb';
import { ETH_HLEN, ETH_P_8021AD, ETH_P_8021Q, VLAN_HLEN, VLAN_TAG_PRESENT, ethTypeTrans, swab16 } from '../skb';
import type { Effect } from '../types';
import { ret, skbOf, u32, type HelperImpl } from './env';

const VLAN_ETH_HLEN = ETH_HLEN + VLAN_HLEN;
const MAC_ADDRS = 12;
const isVlan = (proto: number): boolean => proto === ETH_P_8021Q || proto === ETH_P_8021AD;

const resized = (oldLen: number, skb: Skb): Effect[] => [{ kind: 'packet_resize', oldLen, newLen: skb.len }];

/** __vlan_insert_tag: the tag goes into the frame after the two MAC addresses. */
function insertTag(skb: Skb, proto: number, tci: number): void {
  skb.insert(MAC_ADDRS, VLAN_HLEN);
  skb.write(MAC_ADDRS, Uint8Array.of(proto >> 8, proto & 0xff, (tci >> 8) & 0xff, tci & 0xff));
  skb.f.netOff += VLAN_HLEN;
}

/** __skb_vlan_pop: removes the in-frame tag, sets protocol from it and returns its TCI. */
function removeTag(skb: Skb): number {
  const tci = skb.be16(ETH_HLEN);
  skb.remove(MAC_ADDRS, VLAN_HLEN);
  // the encapsulated type now follows the MAC addresses
  skb.f.protocol = ethTypeTrans(skb.frame);
  skb.f.netOff -= VLAN_HLEN;
  if (skb.f.netOff - skb.f.dataOff < ETH_HLEN) skb.f.netOff = skb.f.dataOff + ETH_HLEN;
  return tci;
}

function putHwaccelTag(skb: Skb, proto: number, tci: number): void {
  skb.save();
  skb.f.vlanProto = proto;
  skb.f.vlanTci = (VLAN_TAG_PRESENT | tci) & 0xffff;
}

export const skbVlanPush: HelperImpl = (env, _r1, r2, r3) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  let proto = swab16(u32(r2) & 0xffff);
  if (!isVlan(proto)) proto = ETH_P_8021Q;
  const tci = u32(r3) & 0xffff;
  const oldLen = skb.len;
  if (skb.f.vlanTci & VLAN_TAG_PRESENT) {
    insertTag(skb, skb.f.vlanProto, skb.f.vlanTci & ~VLAN_TAG_PRESENT);
    skb.f.protocol = skb.f.vlanProto;
  }
  putHwaccelTag(skb, proto, tci);
  return ret(0, skb.len !== oldLen ? resized(oldLen, skb) : undefined);
};

export const skbVlanPop: HelperImpl = (env) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  const oldLen = skb.len;
  const done = () => ret(0, skb.len !== oldLen ? resized(oldLen, skb) : undefined);
  if (skb.f.vlanTci & VLAN_TAG_PRESENT) {
    skb.save();
    skb.f.vlanTci = 0;
  } else {
    if (!isVlan(skb.f.protocol) || skb.len < VLAN_ETH_HLEN) return done();
    removeTag(skb);
  }
  // move the next tag, if any, into the metadata
  if (!isVlan(skb.f.protocol) || skb.len < VLAN_ETH_HLEN) return done();
  const proto = skb.f.protocol;
  const tci = removeTag(skb);
  putHwaccelTag(skb, proto, tci);
  return done();
};
