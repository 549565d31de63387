/**
 * The flow hash get_hash_recalc computes when skb->hash is not set: the flow dissector's keys
 * (addresses, ports, protocol) hashed with jhash2 and a seed from the world, addresses and ports
 * ordered so both directions of a flow hash alike, and never 0. Deterministic per world seed;
 * the host kernel's value differs (its seed is random), so only its properties are comparable.
 */
import { jhash2 } from '../maps/jhash';
import { ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, type Skb } from '../skb';

const be32 = (b: Uint8Array, o: number): number => (o + 4 <= b.length ? ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0 : 0);
const be16 = (b: Uint8Array, o: number): number => (o + 2 <= b.length ? (b[o] << 8) | b[o + 1] : 0);
const PORT_PROTOS = new Set([6, 17, 33, 132, 136]);

/** The dissector's flow keys from the network header: [addresses..., ports, ip protocol, l3 protocol]. */
function flowKeys(skb: Skb): number[] {
  const b = skb.frame;
  let off = skb.f.netOff;
  let proto = skb.f.protocol;
  while ((proto === ETH_P_8021Q || proto === ETH_P_8021AD) && off + 4 <= b.length) {
    proto = be16(b, off + 2);
    off += 4;
  }
  let src: number[] = [];
  let dst: number[] = [];
  let ipProto = 0;
  let l4 = -1;
  if (proto === ETH_P_IP && off + 20 <= b.length) {
    src = [be32(b, off + 12)];
    dst = [be32(b, off + 16)];
    ipProto = b[off + 9];
    const fragmented = (be16(b, off + 6) & 0x3fff) !== 0;
    if (!fragmented) l4 = off + (b[off] & 0xf) * 4;
  } else if (proto === ETH_P_IPV6 && off + 40 <= b.length) {
    src = [0, 4, 8, 12].map((i) => be32(b, off + 8 + i));
    dst = [0, 4, 8, 12].map((i) => be32(b, off + 24 + i));
    ipProto = b[off + 6];
    l4 = off + 40;
  }
  let sport = 0;
  let dport = 0;
  if (l4 >= 0 && PORT_PROTOS.has(ipProto)) {
    sport = be16(b, l4);
    dport = be16(b, l4 + 2);
  }
  // __flow_hash_consistentify: the smaller address (then port) first
  const swap = src.join(',') > dst.join(',') || (src.join(',') === dst.join(',') && sport > dport);
  if (swap) [src, dst, sport, dport] = [dst, src, dport, sport];
  return [...dst, ...src, ((sport << 16) | dport) >>> 0, ipProto, proto];
}

/** The flow hash of the packet with the world's seed (never 0). */
export function flowHash(skb: Skb, seed: number): number {
  const h = jhash2(flowKeys(skb), seed >>> 0);
  return h === 0 ? 1 : h;
}
