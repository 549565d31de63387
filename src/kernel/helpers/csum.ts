/**
 * l3_csum_replace, l4_csum_replace and csum_diff with the one's-complement arithmetic of
 * 4.8's include/net/checksum.h and x86-64's csum_partial. Checksums and fields are handled as
 * the raw memory values a u16/u32 load of the network-order bytes gives, as the kernel does;
 * one's-complement sums do not depend on the byte order. The test-run skb is CHECKSUM_NONE, so
 * BPF_F_PSEUDO_HDR changes nothing here (it only matters for CHECKSUM_COMPLETE/PARTIAL skbs).
 */
import { HelperFlag, MAX_BPF_STACK } from '../../isa';
import { isMemFault } from '../../mem';
import { err, fault, readArg, ret, skbOf, u32, type HelperImpl } from './env';

const M32 = 0xffffffff;

/** csum_add: 32-bit add with the carry folded back in. */
function csumAdd(a: number, b: number): number {
  const res = ((a >>> 0) + (b >>> 0)) >>> 0;
  return (res + (res < b >>> 0 ? 1 : 0)) >>> 0;
}

/** csum_sub: csum_add of the complement. */
const csumSub = (a: number, b: number): number => csumAdd(a, ~b >>> 0);

/** csum_fold: the 16-bit end-around sum of a 32-bit checksum, complemented. */
function csumFold(sum: number): number {
  let s = (sum >>> 16) + (sum & 0xffff);
  s = (s >>> 16) + (s & 0xffff);
  return ~s & 0xffff;
}

/** csum16_add: 16-bit add with end-around carry. */
function csum16Add(csum: number, addend: number): number {
  const res = (csum + addend) & 0xffff;
  return (res + (res < addend ? 1 : 0)) & 0xffff;
}

const csum16Sub = (csum: number, addend: number): number => csum16Add(csum, ~addend & 0xffff);

/**
 * x86-64 csum_partial: the unfolded 32-bit one's-complement sum of the little-endian words of
 * `buf` plus `seed`. It is 0 only when everything is 0; otherwise the representative in
 * [1, 0xffffffff] of its class, which is what the assembly's carries produce too.
 */
export function csumPartial(buf: Uint8Array, seed: number): number {
  let s = 0;
  let i = 0;
  for (; i + 4 <= buf.length; i += 4) s += (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) >>> 0;
  if (i + 2 <= buf.length) {
    s += buf[i] | (buf[i + 1] << 8);
    i += 2;
  }
  if (i < buf.length) s += buf[i];
  while (s > M32) s = (s % 0x1_0000_0000) + Math.floor(s / 0x1_0000_0000);
  return csumAdd(s, seed >>> 0);
}

/** csum_replace2 (RFC 1624 in 16-bit arithmetic). */
const csumReplace2 = (sum: number, from: number, to: number): number =>
  ~csum16Add(csum16Sub(~sum & 0xffff, from & 0xffff), to & 0xffff) & 0xffff;

/** csum_replace4. */
function csumReplace4(sum: number, from: number, to: number): number {
  const tmp = csumSub(~sum >>> 0, from >>> 0);
  return csumFold(csumAdd(tmp, to >>> 0));
}

/** csum_replace_by_diff. */
const csumReplaceByDiff = (sum: number, diff: number): number => csumFold(csumAdd(diff >>> 0, ~sum >>> 0));

const MAX_OFFSET = 0xffff;
const L3_FLAGS = HelperFlag.HDR_FIELD_MASK;
const L4_FLAGS = HelperFlag.HDR_FIELD_MASK | HelperFlag.PSEUDO_HDR | HelperFlag.MARK_MANGLED_0;
const CSUM_MANGLED_0 = 0xffff;

/** The shared body of l3/l4_csum_replace: the checks in 4.8's order, then the update. */
function csumReplace(l4: boolean): HelperImpl {
  return (env, _r1, r2, from, to, flags) => {
    const skb = skbOf(env);
    if ('kind' in skb) return skb;
    if (flags & ~(l4 ? L4_FLAGS : L3_FLAGS)) return err('EINVAL');
    const offset = u32(r2);
    if (offset > MAX_OFFSET || offset + 2 > skb.len) return err('EFAULT');
    const at = skb.f.dataOff + offset;
    const old = skb.frame[at] | (skb.frame[at + 1] << 8);
    const mmzero = l4 && (flags & HelperFlag.MARK_MANGLED_0) !== 0n;
    if (mmzero && old === 0) return ret(0);
    let sum: number;
    switch (Number(flags & HelperFlag.HDR_FIELD_MASK)) {
      case 0:
        if (from !== 0n) return err('EINVAL');
        sum = csumReplaceByDiff(old, u32(to));
        break;
      case 2:
        // inet_proto_csum_replace2 widens to 32 bits; the l3 variant stays in 16-bit arithmetic
        sum = l4 ? csumReplace4(old, u32(from) & 0xffff, u32(to) & 0xffff) : csumReplace2(old, u32(from), u32(to));
        break;
      case 4:
        sum = csumReplace4(old, u32(from), u32(to));
        break;
      default:
        return err('EINVAL');
    }
    if (mmzero && sum === 0) sum = CSUM_MANGLED_0;
    skb.write(at, Uint8Array.of(sum & 0xff, sum >> 8));
    return ret(0);
  };
}

export const l3CsumReplace = csumReplace(false);
export const l4CsumReplace = csumReplace(true);


export const csumDiff: HelperImpl = (env, r1, fromSize, r3, toSize, seed) => {
  // the diff is built in a per-CPU scratch buffer of MAX_BPF_STACK bytes
  if ((fromSize | toSize) & 3n || fromSize + toSize > BigInt(MAX_BPF_STACK)) return err('EINVAL');
  const nf = Number(fromSize);
  const nt = Number(toSize);
  const from = readArg(env, r1, nf);
  if (isMemFault(from)) return fault(from);
  const to = readArg(env, r3, nt);
  if (isMemFault(to)) return fault(to);
  const diff = new Uint8Array(nf + nt);
  for (let i = 0; i < nf; i++) diff[i] = ~from[i] & 0xff;
  diff.set(to, nf);
  return ret(csumPartial(diff, u32(seed)));
};
