/**
 * HASH and PERCPU_HASH, with and without BPF_F_NO_PREALLOC: update flags and their errnos in
 * 4.8's order, a full map, GET_NEXT_KEY, the documented iteration order (jhash buckets, newest
 * first), and the program side (addresses, per-CPU copies).
 */
import { describe, expect, it } from 'vitest';
import { Errno as E, MapType as T } from '../../src/isa';
import { jhash } from '../../src/kernel/maps';
import { createMap, del, errnoOf, hex, kernel, keysOf, lookup, nextKey, u32, u64, update } from '../support/kernel';

const VARIANTS: [string, number, number][] = [
  ['hash', T.Hash, 0],
  ['hash no_prealloc', T.Hash, 1],
  ['percpu_hash', T.PercpuHash, 0],
  ['percpu_hash no_prealloc', T.PercpuHash, 1],
];

describe.each(VARIANTS)('%s', (_name, type, flags) => {
  const setup = (max = 2) => {
    const k = kernel({ ncpus: 2 });
    const { fd, map } = createMap(k, type, 4, 4, max, flags);
    const v = (n: number) => (map.userValueSize === 4 ? u32(n) : new Uint8Array([...u32(n), 0, 0, 0, 0, ...u32(n + 100), 0, 0, 0, 0]));
    return { k, fd, map, v };
  };

  // [what, pre-existing keys, key, flags, errno]
  const UPDATE: [string, number[], number, number | bigint, number][] = [
    ['ANY on a new key', [], 1, 0, 0],
    ['ANY on an existing key', [1], 1, 0, 0],
    ['NOEXIST on a new key', [], 1, 1, 0],
    ['NOEXIST on an existing key', [1], 1, 1, E.EEXIST],
    ['EXIST on an existing key', [1], 1, 2, 0],
    ['EXIST on a missing key', [], 1, 2, E.ENOENT],
    ['flags 3', [], 1, 3, E.EINVAL],
    ['flags 4 (BPF_F_LOCK, later) is EINVAL in 4.8', [1], 1, 4, E.EINVAL],
    ['flags 5 is EINVAL in 4.8 (6.18: EEXIST)', [1], 1, 5, E.EINVAL],
    ['flags 2^63', [], 1, 1n << 63n, E.EINVAL],
    ['a new key in a full map', [1, 2], 3, 0, E.E2BIG],
    ['NOEXIST on an existing key of a full map: EEXIST before E2BIG', [1, 2], 1, 1, E.EEXIST],
    ['EXIST on a missing key of a full map: ENOENT before E2BIG', [1, 2], 3, 2, E.ENOENT],
  ];
  it.each(UPDATE)('update: %s', (_what, pre, key, f, errno) => {
    const { k, fd, v } = setup();
    for (const p of pre) expect(errnoOf(update(k, fd, u32(p), v(p)))).toBe(0);
    expect(errnoOf(update(k, fd, u32(key), v(50), f))).toBe(errno);
    const got = lookup(k, fd, u32(key));
    if (errno === 0) expect(got).toEqual({ ok: true, value: v(50) });
  });

  it('replacing a key in a full map: E2BIG for a plain hash (4.8 allocates first), in place per-CPU', () => {
    const { k, fd, v } = setup();
    update(k, fd, u32(1), v(1));
    update(k, fd, u32(2), v(2));
    const r = update(k, fd, u32(1), v(9));
    expect(errnoOf(r)).toBe(type === T.Hash ? E.E2BIG : 0);
    expect(lookup(k, fd, u32(1))).toEqual({ ok: true, value: type === T.Hash ? v(1) : v(9) });
    expect(errnoOf(update(k, fd, u32(1), v(9), 2))).toBe(type === T.Hash ? E.E2BIG : 0);
  });

  it('delete: ENOENT for a missing key, then the slot is reusable', () => {
    const { k, fd, v } = setup();
    expect(errnoOf(del(k, fd, u32(1)))).toBe(E.ENOENT);
    update(k, fd, u32(1), v(1));
    update(k, fd, u32(2), v(2));
    expect(errnoOf(del(k, fd, u32(1)))).toBe(0);
    expect(errnoOf(lookup(k, fd, u32(1)))).toBe(E.ENOENT);
    expect(errnoOf(update(k, fd, u32(3), v(3)))).toBe(0);
  });

  it('GET_NEXT_KEY: NULL and a missing key give the first key, the last gives ENOENT, empty gives ENOENT', () => {
    const { k, fd, v } = setup(8);
    expect(errnoOf(nextKey(k, fd, null))).toBe(E.ENOENT);
    for (const n of [1, 2, 3]) update(k, fd, u32(n), v(n));
    const keys = keysOf(k, fd);
    expect(keys).toHaveLength(3);
    const first = nextKey(k, fd, null);
    expect(nextKey(k, fd, u32(77))).toEqual(first);
    expect(errnoOf(nextKey(k, fd, Buffer.from(keys[2], 'hex')))).toBe(E.ENOENT);
  });

  it('iteration order: buckets by jhash(key, 4, 0) & (n_buckets-1), each newest first', () => {
    const { k, fd, v, map } = setup(8);
    // keys 1..5 in an 8-bucket map, as the 6.18 host dumps them with BPF_F_ZERO_SEED
    for (const n of [1, 2, 3, 4, 5]) update(k, fd, u32(n), v(n));
    expect(keysOf(k, fd)).toEqual([4, 2, 1, 5, 3].map((n) => hex(u32(n))));
    expect([...map.entries()].map((e) => hex(e.key))).toEqual(keysOf(k, fd));
    // two keys in the same bucket: the newer first
    const keys = Array.from({ length: 200 }, (_, i) => i).filter((n) => (jhash(u32(n)) & 7) === (jhash(u32(1)) & 7));
    const { k: k2, fd: fd2, v: v2 } = setup(8);
    update(k2, fd2, u32(keys[0]), v2(0));
    update(k2, fd2, u32(keys[1]), v2(1));
    expect(keysOf(k2, fd2)).toEqual([hex(u32(keys[1])), hex(u32(keys[0]))]);
    // replacing the older one: a plain hash moves it to the front, a per-CPU hash keeps its place
    update(k2, fd2, u32(keys[0]), v2(5));
    const moved = type === T.Hash ? [keys[0], keys[1]] : [keys[1], keys[0]];
    expect(keysOf(k2, fd2)).toEqual(moved.map((n) => hex(u32(n))));
  });

  it('keys of odd sizes hash byte-wise (jhash tail)', () => {
    const k = kernel();
    const { fd } = createMap(k, type, 7, 8, 64, flags);
    const keys = Array.from({ length: 20 }, (_, i) => new Uint8Array([i, 1, 2, 3, 4, 5, 6]));
    for (const key of keys) expect(errnoOf(update(k, fd, key, new Uint8Array(k.mapOfFd(fd)!.userValueSize)))).toBe(0);
    // the 6.18 host's dump of the same map with BPF_F_ZERO_SEED (jhash seed 0, as 4.8)
    const host = [12, 6, 5, 1, 13, 9, 0, 18, 4, 17, 19, 11, 15, 3, 10, 7, 14, 16, 8, 2];
    expect(keysOf(k, fd)).toEqual(host.map((i) => hex(keys[i])));
  });

  it('the program side: lookupAddr points at this CPU\'s copy, updateFromProg writes it', () => {
    const { k, fd, map } = setup(4);
    expect(map.lookupAddr!(u32(1), 0)).toBe(0n);
    expect(map.updateFromProg!(u32(1), u32(0xaabbccdd), 0n, 1)).toBe(0);
    const a1 = map.lookupAddr!(u32(1), 1);
    expect(k.mem.readUint(a1, 4)).toBe(0xaabbccddn);
    if (type === T.PercpuHash) {
      const a0 = map.lookupAddr!(u32(1), 0);
      expect(a0).not.toBe(a1);
      // the other CPU's copy: zero (a fresh preallocated slot, or NO_PREALLOC's zeroed memory)
      expect(k.mem.readUint(a0, 4)).toBe(0n);
      const user = lookup(k, fd, u32(1));
      expect(user.ok && hex(user.value)).toBe('00000000' + '00000000' + 'ddccbbaa' + '00000000');
      expect(map.updateFromProg!(u32(1), u32(7), 0n, 5)).toBe(-E.EINVAL);
    }
    // a store through the address is what user space reads
    k.mem.write(a1, u32(42));
    const r = lookup(k, fd, u32(1));
    expect(r.ok && r.value.subarray(type === T.Hash ? 0 : 8, type === T.Hash ? 4 : 12)).toEqual(u32(42));
    expect(map.deleteFromProg!(u32(1))).toBe(0);
    expect(map.lookupAddr!(u32(1), 1)).toBe(0n);
  });
});

describe('hash element lifetime (4.8 semantics)', () => {
  it('a plain hash update moves the value to a new element: an old pointer keeps the old value', () => {
    const k = kernel();
    const { fd, map } = createMap(k, T.Hash, 4, 8, 4);
    update(k, fd, u32(1), u64(1));
    const before = map.lookupAddr!(u32(1), 0);
    update(k, fd, u32(1), u64(2));
    const after = map.lookupAddr!(u32(1), 0);
    expect(after).not.toBe(before);
    expect(k.mem.readUint(before, 8)).toBe(1n);
    expect(k.mem.readUint(after, 8)).toBe(2n);
  });

  it('a preallocated per-CPU slot reused by a program keeps the other CPUs\' old values; NO_PREALLOC zeroes them', () => {
    for (const [flags, other] of [[0, 0x11n], [1, 0n]] as const) {
      const k = kernel({ ncpus: 2 });
      const { fd, map } = createMap(k, T.PercpuHash, 4, 8, 1, flags);
      update(k, fd, u32(1), new Uint8Array([...u64(0x11), ...u64(0x11)]));
      del(k, fd, u32(1));
      expect(map.updateFromProg!(u32(2), u64(0x22), 0n, 0)).toBe(0);
      expect(k.mem.readUint(map.lookupAddr!(u32(2), 1), 8)).toBe(other);
    }
  });

  it('user-side per-CPU values are round_up(value_size, 8) per CPU', () => {
    const k = kernel({ ncpus: 3 });
    const { fd, map } = createMap(k, T.PercpuHash, 4, 5, 4);
    expect(map.userValueSize).toBe(24);
    const v = new Uint8Array(24).map((_, i) => i + 1);
    expect(errnoOf(update(k, fd, u32(1), v))).toBe(0);
    expect(lookup(k, fd, u32(1))).toEqual({ ok: true, value: v });
    for (let cpu = 0; cpu < 3; cpu++) expect(k.mem.read(map.lookupAddr!(u32(1), cpu), 5)).toEqual(v.subarray(cpu * 8, cpu * 8 + 5));
  });
});
