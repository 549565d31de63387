/** STACK_TRACE: get_stackid's storage rules and the user-space side in 4.8. */
import { describe, expect, it } from 'vitest';
import { Errno as E, HelperFlag, MapType as T } from '../../src/isa';
import { jhash, jhash2, type StackTraceMap } from '../../src/kernel/maps';
import { createMap, del, errnoOf, hex, kernel, lookup, nextKey, u32, u64, update } from '../support/kernel';

const ids = (ips: bigint[], buckets: number) => {
  const w = new Uint32Array(ips.length * 2);
  ips.forEach((ip, i) => ((w[2 * i] = Number(ip & 0xffffffffn)), (w[2 * i + 1] = Number(ip >> 32n))));
  return jhash2(w) & (buckets - 1);
};

describe('STACK_TRACE', () => {
  it('jhash2 over words is jhash over their little-endian bytes (whose order the host pins, maps-hash)', () => {
    for (let n = 1; n <= 9; n++) {
      const w = Uint32Array.from({ length: n }, (_, i) => (0x9e3779b9 * (i + 1) + n) >>> 0);
      expect(jhash2(w)).toBe(jhash(new Uint8Array(w.buffer)));
    }
  });

  const A = [0xffffffff81719e85n, 0xffffffff8172b624n];
  const setup = (max = 4, depth = 4) => {
    const k = kernel();
    const { fd, map } = createMap(k, T.StackTrace, 4, depth * 8, max);
    return { k, fd, map: map as StackTraceMap };
  };

  it('stores a stack under jhash2(ips) & (n_buckets - 1); the same stack gives the same id', () => {
    const { k, fd, map } = setup();
    const id = k.stackStore(map, A, 0n);
    expect(id).toBe(ids(A, 4));
    expect(k.stackStore(map, A, 0n)).toBe(id);
    expect(lookup(k, fd, u32(id))).toEqual({ ok: true, value: new Uint8Array([...u64(A[0]), ...u64(A[1]), ...new Uint8Array(16)]) });
    expect(map.stack(id)).toEqual(A);
  });

  it('a different stack in a taken bucket: -EEXIST, REUSE_STACKID replaces it, FAST_STACK_CMP compares hashes only', () => {
    const { k, map } = setup(1, 4);
    const id = k.stackStore(map, A, 0n);
    const B = [0x1234n];
    expect(k.stackStore(map, B, 0n)).toBe(-E.EEXIST);
    // one bucket, max_entries 1: the replacement needs a free preallocated bucket
    expect(k.stackStore(map, B, HelperFlag.REUSE_STACKID)).toBe(-E.ENOMEM);
    const { k: k2, map: m2 } = setup(2, 4);
    const ida = k2.stackStore(m2, A, 0n);
    // find a stack that lands in A's bucket
    let c = 1n;
    while (ids([c], 2) !== ida) c++;
    const C = [c];
    expect(k2.stackStore(m2, C, 0n)).toBe(-E.EEXIST);
    expect(k2.stackStore(m2, C, HelperFlag.REUSE_STACKID)).toBe(ida);
    expect(m2.stack(ida)).toEqual(C);
    expect(k2.stackStore(m2, C, HelperFlag.FAST_STACK_CMP)).toBe(ida);
    void id;
  });

  it('stacks deeper than the value are cut; an empty stack is -EFAULT; another map type is -EINVAL', () => {
    const { k, map } = setup(4, 2);
    const deep = [1n, 2n, 3n, 4n];
    const id = k.stackStore(map, deep, 0n);
    expect(map.stack(id)).toEqual([1n, 2n]);
    expect(k.stackStore(map, [], 0n)).toBe(-E.EFAULT);
    const { map: hash } = createMap(k, T.Hash, 4, 4, 1);
    expect(k.stackStore(hash, deep, 0n)).toBe(-E.EINVAL);
  });

  it('user space: lookup ENOENT when empty or past the buckets, delete E2BIG/ENOENT, update and GET_NEXT_KEY EINVAL', () => {
    const { k, fd, map } = setup(3);
    expect(errnoOf(lookup(k, fd, u32(0)))).toBe(E.ENOENT);
    expect(errnoOf(lookup(k, fd, u32(9)))).toBe(E.ENOENT);
    expect(errnoOf(update(k, fd, u32(0), new Uint8Array(32)))).toBe(E.EINVAL);
    expect(errnoOf(nextKey(k, fd, null))).toBe(E.EINVAL);
    expect(errnoOf(del(k, fd, u32(4)))).toBe(E.E2BIG);
    expect(errnoOf(del(k, fd, u32(3)))).toBe(E.ENOENT);
    const id = k.stackStore(map, A, 0n);
    expect([...map.entries()].map((e) => hex(e.key))).toEqual([hex(u32(id))]);
    expect(errnoOf(del(k, fd, u32(id)))).toBe(0);
    expect(errnoOf(lookup(k, fd, u32(id)))).toBe(E.ENOENT);
  });

  it('max_entries preallocated buckets: -ENOMEM when all are in use', () => {
    const { k, map } = setup(3, 1);
    // n_buckets 4, 3 buckets preallocated
    const stacks: bigint[][] = [];
    const used = new Set<number>();
    for (let i = 1n; stacks.length < 4; i++) {
      const id = ids([i], 4);
      if (!used.has(id)) {
        used.add(id);
        stacks.push([i]);
      }
    }
    expect(stacks.slice(0, 3).map((s) => k.stackStore(map, s, 0n) >= 0)).toEqual([true, true, true]);
    expect(k.stackStore(map, stacks[3], 0n)).toBe(-E.ENOMEM);
  });
});
