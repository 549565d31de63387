/** ARRAY and PERCPU_ARRAY: every index exists, 4.8's update checks, delete EINVAL, per-CPU layout. */
import { describe, expect, it } from 'vitest';
import { Errno as E, MapType as T } from '../../src/isa';
import { createMap, del, errnoOf, hex, kernel, keysOf, lookup, nextKey, u32, u64, update } from '../support/kernel';

describe.each([
  ['array', T.Array],
  ['percpu_array', T.PercpuArray],
])('%s', (_name, type) => {
  const setup = () => {
    const k = kernel({ ncpus: 2 });
    const { fd, map } = createMap(k, type, 4, 4, 3);
    const v = (n: number) => (map.userValueSize === 4 ? u32(n) : new Uint8Array([...u32(n), 0, 0, 0, 0, ...u32(n + 1), 0, 0, 0, 0]));
    return { k, fd, map, v };
  };

  // [what, index, flags, errno]
  const UPDATE: [string, number, number | bigint, number][] = [
    ['ANY', 0, 0, 0],
    ['EXIST (every index exists)', 2, 2, 0],
    ['NOEXIST (every index exists)', 1, 1, E.EEXIST],
    ['index past the end', 3, 0, E.E2BIG],
    ['index 0xffffffff', 0xffffffff, 0, E.E2BIG],
    ['index past the end with NOEXIST: E2BIG first', 3, 1, E.E2BIG],
    ['flags 3: EINVAL first', 3, 3, E.EINVAL],
    ['flags 5 (6.18 masks BPF_F_LOCK) is EINVAL in 4.8', 0, 5, E.EINVAL],
  ];
  it.each(UPDATE)('update: %s', (_what, index, flags, errno) => {
    const { k, fd, v } = setup();
    expect(errnoOf(update(k, fd, u32(index), v(9), flags))).toBe(errno);
    if (!errno) expect(lookup(k, fd, u32(index))).toEqual({ ok: true, value: v(9) });
  });

  it('every index reads as zeros until written; past the end ENOENT', () => {
    const { k, fd, map } = setup();
    expect(lookup(k, fd, u32(2))).toEqual({ ok: true, value: new Uint8Array(map.userValueSize) });
    expect(errnoOf(lookup(k, fd, u32(3)))).toBe(E.ENOENT);
  });

  it('delete is EINVAL for every index', () => {
    const { k, fd, map } = setup();
    expect(errnoOf(del(k, fd, u32(0)))).toBe(E.EINVAL);
    expect(errnoOf(del(k, fd, u32(7)))).toBe(E.EINVAL);
    expect(map.deleteFromProg!(u32(0))).toBe(-E.EINVAL);
  });

  it('GET_NEXT_KEY: 0,1,2 then ENOENT; an index past the end or NULL restarts at 0', () => {
    const { k, fd } = setup();
    expect(keysOf(k, fd)).toEqual([0, 1, 2].map((n) => hex(u32(n))));
    expect(nextKey(k, fd, u32(99))).toEqual({ ok: true, value: u32(0) });
    expect(nextKey(k, fd, u32(1))).toEqual({ ok: true, value: u32(2) });
    expect(errnoOf(nextKey(k, fd, u32(2)))).toBe(E.ENOENT);
  });

  it('the program side: an address per index (per CPU), out of range gives 0', () => {
    const { k, fd, map } = setup();
    expect(map.lookupAddr!(u32(3), 0)).toBe(0n);
    expect(map.updateFromProg!(u32(1), u32(5), 0n, 1)).toBe(0);
    expect(k.mem.readUint(map.lookupAddr!(u32(1), 1), 4)).toBe(5n);
    const user = lookup(k, fd, u32(1));
    expect(user.ok && hex(user.value)).toBe(type === T.Array ? '05000000' : '0000000000000000' + '0500000000000000');
    expect(map.updateFromProg!(u32(1), u32(5), 1n, 0)).toBe(-E.EEXIST);
    expect(map.updateFromProg!(u32(3), u32(5), 0n, 0)).toBe(-E.E2BIG);
  });
});

describe('per-CPU array layout', () => {
  it('user space sees round_up(value_size, 8) bytes per CPU; the padding round-trips', () => {
    const k = kernel({ ncpus: 4 });
    const { fd, map } = createMap(k, T.PercpuArray, 4, 12, 2);
    expect(map.userValueSize).toBe(64);
    const v = new Uint8Array(64).map((_, i) => 255 - i);
    update(k, fd, u32(1), v);
    expect(lookup(k, fd, u32(1))).toEqual({ ok: true, value: v });
    expect(k.mem.read(map.lookupAddr!(u32(1), 3), 12)).toEqual(v.subarray(48, 60));
  });

  it('a plain array value of 5 bytes is 5 bytes to user space, 8 apart in memory', () => {
    const k = kernel();
    const { fd, map } = createMap(k, T.Array, 4, 5, 2);
    update(k, fd, u32(1), new Uint8Array([1, 2, 3, 4, 5]));
    expect(map.lookupAddr!(u32(1), 0) - map.lookupAddr!(u32(0), 0)).toBe(8n);
    expect(lookup(k, fd, u32(1))).toEqual({ ok: true, value: new Uint8Array([1, 2, 3, 4, 5]) });
    expect(map.lookupAddr!(u32(0), 0) >> 32n).toBe(BigInt(0xffff8800) + (map.lookupAddr!(u32(0), 0) >> 32n) - BigInt(0xffff8800));
    void u64;
  });
});
