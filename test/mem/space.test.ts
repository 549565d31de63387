/** The address space: placement, lookup (and its cache across map/unmap), checked access, journal and watcher. */
import { describe, expect, test } from 'vitest';
import { AddressSpace, describeFault, isMemFault, Journal, STACK_HI } from '../../src/mem';

describe('AddressSpace', () => {
  test('the first stack sits at the fixed stack half; other regions take the next free halves', () => {
    const mem = new AddressSpace();
    const ctx = mem.map('ctx', 'ctx', new Uint8Array(8), false);
    const stack = mem.map('stack', 'stack', new Uint8Array(512), true);
    const other = mem.map('map_value', 'v', new Uint8Array(4), true);
    expect(mem.addr(stack, 512)).toBe(0xffffc90000008200n);
    expect(mem.addr(ctx)).toBe(0xffff880010000000n);
    expect(mem.addr(other)).toBe(0xffff880110000000n);
  });

  test('an explicit upper half, refused when taken', () => {
    const mem = new AddressSpace();
    mem.map('stack', 'stack', new Uint8Array(512), true);
    const f = mem.map('stack', 'frame', new Uint8Array(512), true, 512, STACK_HI + 1);
    expect(f.hi).toBe(STACK_HI + 1);
    expect(() => mem.map('stack', 'again', new Uint8Array(1), true, 1, STACK_HI + 1)).toThrow();
  });

  test('lookups by signed or unsigned upper half, and no stale answer after unmap or remap', () => {
    const mem = new AddressSpace();
    const a = mem.map('mem', 'a', new Uint8Array(4), true);
    expect(mem.regionOfHi(a.hi)).toBe(a);
    expect(mem.regionOfHi(a.hi | 0)).toBe(a);
    mem.unmap(a);
    expect(mem.regionOfHi(a.hi)).toBeUndefined();
    const b = mem.map('mem', 'b', new Uint8Array(4), true, 4, a.hi);
    expect(mem.regionOfHi(a.hi)).toBe(b);
    expect(mem.regionOfHi(0)).toBeUndefined();
  });

  test('resolve checks bounds and writability', () => {
    const mem = new AddressSpace();
    const r = mem.map('ctx', 'ctx', new Uint8Array(8), false);
    const base = mem.addr(r);
    expect(mem.resolve(base + 4n, 4, false)).toEqual({ region: r, offset: 4 });
    const oob = mem.resolve(base + 5n, 4, false);
    expect(isMemFault(oob) && describeFault(oob)).toBe(`out of bounds: load of 4 bytes at 0x${(base + 5n).toString(16)} (region ctx)`);
    expect(mem.resolve(base, 1, true)).toMatchObject({ reason: 'read-only' });
    expect(mem.resolve(base - 1n, 1, false)).toMatchObject({ reason: 'out of bounds', region: 'ctx' });
    expect(mem.resolve(base + (1n << 32n), 1, false)).toMatchObject({ reason: 'no region' });
  });

  test('writes are journaled and seen by the watcher', () => {
    const mem = new AddressSpace();
    const r = mem.map('mem', 'm', Uint8Array.from([1, 2, 3]), true);
    const j = new Journal();
    const seen: [number, number[], number[]][] = [];
    mem.journal = j;
    mem.watcher = (_r, off, old, data) => seen.push([off, [...old], [...data]]);
    expect(mem.write(mem.addr(r, 1), Uint8Array.from([9, 9]))).toBeNull();
    expect([...r.bytes]).toEqual([1, 9, 9]);
    expect(seen).toEqual([[1, [2, 3], [9, 9]]]);
    j.rewindTo(0);
    expect([...r.bytes]).toEqual([1, 2, 3]);
  });
});
