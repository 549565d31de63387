/**
 * skb_load_bytes and skb_store_bytes: copies between the packet (offsets from skb->data) and a
 * stack buffer. Offsets above 0xffff or past skb->len give -EFAULT; a failed load zeroes the
 * buffer. BPF_F_RECOMPUTE_CSUM has nothing to update on a CHECKSUM_NONE skb;
 * BPF_F_INVALIDATE_HASH clears skb->hash. skb->protocol is never re-parsed.
 */
import { HelperFlag } from '../../isa';
import { isMemFault } from '../../mem';
import { err, fault, readArg, ret, skbOf, u32, writeArg, type HelperImpl } from './env';

const MAX_OFFSET = 0xffff;

export const skbLoadBytes: HelperImpl = (env, _r1, r2, r3, r4) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  const offset = u32(r2);
  const len = u32(r4);
  const ok = offset <= MAX_OFFSET && offset + len <= skb.len;
  const data = ok ? skb.frame.slice(skb.f.dataOff + offset, skb.f.dataOff + offset + len) : new Uint8Array(len);
  const f = writeArg(env, r3, data);
  if (f) return fault(f);
  return ok ? ret(0) : err('EFAULT');
};

export const skbStoreBytes: HelperImpl = (env, _r1, r2, r3, r4, r5) => {
  const skb = skbOf(env);
  if ('kind' in skb) return skb;
  if (r5 & ~(HelperFlag.RECOMPUTE_CSUM | HelperFlag.INVALIDATE_HASH)) return err('EINVAL');
  const offset = u32(r2);
  const len = u32(r4);
  if (offset > MAX_OFFSET || offset + len > skb.len) return err('EFAULT');
  const from = readArg(env, r3, len);
  if (isMemFault(from)) return fault(from);
  skb.write(skb.f.dataOff + offset, from);
  if (r5 & HelperFlag.INVALIDATE_HASH && skb.f.hash !== 0) {
    skb.save();
    skb.f.hash = 0;
  }
  return ret(0);
};
