/**
 * skb_get/set_tunnel_key and skb_get/set_tunnel_opt over the packet's tunnel metadata (4.8).
 * get reads the RX side (the remote is the outer source address); set attaches per-CPU TX
 * metadata (the remote is the destination) that later gets read back as it is, with the
 * kernel's quirks: the compat sizes 22, 24 and 8 (IPv4 only), fields get_tunnel_key does not
 * write staying as they were, and set_tunnel_opt not marking options present, so
 * get_tunnel_opt still answers -ENOENT after it.
 */
import { HelperFlag, TUNNEL_KEY, fieldNamed } from '../../isa';
import { isMemFault, leBytes, leValue } from '../../mem';
import { cloneTunnel } from '../skb';
import type { TunnelInfo } from '../types';
import { err, fault, readArg, ret, skbOf, u32, writeArg, type HelperEnv, type HelperImpl } from './env';

/** struct bpf_tunnel_key's fields by name (isa's TUNNEL_KEY) */
const K = Object.fromEntries(TUNNEL_KEY.fields.map((f) => [f.name, f.offset])) as Record<'tunnel_id' | 'remote_ipv4' | 'remote_ipv6' | 'tunnel_tos' | 'tunnel_ttl' | 'tunnel_ext' | 'tunnel_label', number>;
const KEY_SIZE = TUNNEL_KEY.size;
/** offsetof(struct bpf_tunnel_key, tunnel_label), tunnel_ext and remote_ipv6[1]: the sizes of older layouts */
const COMPAT_SIZES = [K.tunnel_label, K.tunnel_ext, K.remote_ipv6 + 4];
const IPV6_SIZE = fieldNamed(TUNNEL_KEY, 'remote_ipv6').size;
const IP_TUNNEL_OPTS_MAX = 255;
const IPV6_FLOWLABEL_MASK = 0xfffff;
const OPTION_FLAGS = ['geneve_opt', 'vxlan_opt'];

const zeroFill = (env: HelperEnv, addr: bigint, size: number, code: 'EINVAL' | 'EPROTO' | 'ENOENT' | 'ENOMEM') => {
  const f = writeArg(env, addr, new Uint8Array(size));
  return f ? fault(f) : err(code);
};

/** The bpf_tunnel_key fields get_tunnel_key writes, as [offset, bytes] pairs. */
function keyFields(info: TunnelInfo, ipv6: boolean): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [
    [K.tunnel_id, leBytes(info.id & 0xffffffffn, 4)],
    [K.tunnel_tos, Uint8Array.of(info.tos & 0xff, info.ttl & 0xff)],
  ];
  if (ipv6) {
    out.push([K.remote_ipv6, info.src.slice(0, IPV6_SIZE)], [K.tunnel_label, leBytes(BigInt(info.label >>> 0), 4)]);
  } else {
    // be32_to_cpu: the address as a host-order number
    out.push([K.remote_ipv4, info.src.slice(0, 4).reverse()]);
  }
  return out;
}

export const skbGetTunnelKey: HelperImpl = (env, _r1, r2, r3, r4) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  const size = u32(r3);
  const info = skb.f.tunnel;
  if (!info || r4 & ~HelperFlag.TUNINFO_IPV6) return zeroFill(env, r2, size, 'EINVAL');
  const ipv6 = (r4 & HelperFlag.TUNINFO_IPV6) !== 0n;
  if (info.ipv6 !== ipv6) return zeroFill(env, r2, size, 'EPROTO');
  const compat = size !== KEY_SIZE;
  if (compat && (!COMPAT_SIZES.includes(size) || (size === 8 && info.ipv6))) return zeroFill(env, r2, size, 'EINVAL');
  if (compat) {
    // built in an on-stack scratch key, then its first `size` bytes copied out
    const key = new Uint8Array(KEY_SIZE);
    for (const [off, bytes] of keyFields(info, ipv6)) key.set(bytes, off);
    const f = writeArg(env, r2, key.subarray(0, size));
    return f ? fault(f) : ret(0);
  }
  for (const [off, bytes] of keyFields(info, ipv6)) {
    const f = writeArg(env, r2 + BigInt(off), bytes);
    if (f) return fault(f);
  }
  return ret(0);
};

export const skbSetTunnelKey: HelperImpl = (env, _r1, r2, r3, r4) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  if (r4 & ~(HelperFlag.TUNINFO_IPV6 | HelperFlag.ZERO_CSUM_TX | HelperFlag.DONT_FRAGMENT)) return err('EINVAL');
  const size = u32(r3);
  if (size !== KEY_SIZE && !COMPAT_SIZES.includes(size)) return err('EINVAL');
  const raw = readArg(env, r2, size);
  if (isMemFault(raw)) return fault(raw);
  const key = new Uint8Array(KEY_SIZE);
  key.set(raw);
  const ipv6 = (r4 & HelperFlag.TUNINFO_IPV6) !== 0n;
  const label = Number(leValue(key, K.tunnel_label, 4));
  const ext = Number(leValue(key, K.tunnel_ext, 2));
  if ((!ipv6 && label !== 0) || ext !== 0) return err('EINVAL');
  // the per-CPU metadata dst keeps what an earlier call left in fields this one does not set
  const prev = skb.f.tunnel?.tx ? skb.f.tunnel : null;
  const flags = ['key', 'csum', 'nocache'];
  if (r4 & HelperFlag.DONT_FRAGMENT) flags.push('dont_fragment');
  if (!ipv6 && r4 & HelperFlag.ZERO_CSUM_TX) flags.splice(flags.indexOf('csum'), 1);
  const info: TunnelInfo = {
    tx: true,
    ipv6,
    id: leValue(key, K.tunnel_id, 4),
    src: prev ? prev.src.slice() : new Uint8Array(ipv6 ? 16 : 4),
    dst: ipv6 ? key.slice(K.remote_ipv6, K.remote_ipv6 + IPV6_SIZE) : key.slice(K.remote_ipv4, K.remote_ipv4 + 4).reverse(),
    tos: key[K.tunnel_tos],
    ttl: key[K.tunnel_ttl],
    label: ipv6 ? label & IPV6_FLOWLABEL_MASK : (prev?.label ?? 0),
    flags,
    options: prev ? prev.options.slice() : new Uint8Array(0),
  };
  skb.save();
  skb.f.tunnel = info;
  skb.f.route = false; // skb_dst_drop: the metadata dst replaces the route
  return ret(0);
};

export const skbGetTunnelOpt: HelperImpl = (env, _r1, r2, r3) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  const size = u32(r3);
  const info = skb.f.tunnel;
  if (!info || !info.flags.some((f) => OPTION_FLAGS.includes(f))) return zeroFill(env, r2, size, 'ENOENT');
  if (size < info.options.length) return zeroFill(env, r2, size, 'ENOMEM');
  const out = new Uint8Array(size);
  out.set(info.options);
  const f = writeArg(env, r2, out);
  return f ? fault(f) : ret(info.options.length);
};

export const skbSetTunnelOpt: HelperImpl = (env, _r1, r2, r3) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  const size = u32(r3);
  if (!skb.f.tunnel?.tx || size & 3) return err('EINVAL');
  if (size > IP_TUNNEL_OPTS_MAX) return err('ENOMEM');
  const from = readArg(env, r2, size);
  if (isMemFault(from)) return fault(from);
  const info = cloneTunnel(skb.f.tunnel);
  info.options = from;
  skb.save();
  skb.f.tunnel = info;
  return ret(0);
};
