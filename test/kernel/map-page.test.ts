/**
 * A page of a map's entries (the Maps panel's table, `mapEntries`): the same entries, in the same
 * GET_NEXT_KEY order, as a walk of the whole map, whatever happened to the map between pages;
 * and it costs O(page): arrays index directly, hash maps go on from a cursor the previous page
 * left. The cost is checked by counting the elements a page reads, not by timing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MapType as T } from '../../src/isa';
import { createMap, del, hex, kernel, u32, update } from '../support/kernel';
import { mapPage } from '../../src/session/maps';
import type { MapBase } from '../../src/kernel/maps';

const walk = (m: MapBase) => [...m.entries()].map((e) => `${hex(e.key)}=${hex(e.value)}`);
const pageOf = (m: MapBase, off: number, lim: number) => {
  const p = m.page(off, lim);
  return { total: p.total, entries: p.entries.map((e) => `${hex(e.key)}=${hex(e.value)}`) };
};

describe('map pages', () => {
  it.each([
    ['hash', T.Hash, 0],
    ['hash no_prealloc', T.Hash, 1],
    ['percpu_hash', T.PercpuHash, 0],
    ['array', T.Array, 0],
    ['percpu_array', T.PercpuArray, 0],
  ] as const)('%s: every page equals the slice of a full walk, across updates and deletions', (_n, type, flags) => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom('set', 'del', 'page'), key: fc.integer({ min: 0, max: 63 }), off: fc.integer({ min: 0, max: 70 }), lim: fc.integer({ min: 0, max: 20 }) }), { maxLength: 80 }),
        (ops) => {
          const k = kernel({ ncpus: 2 });
          const { fd, map } = createMap(k, type, 4, 8, 64, flags);
          for (const o of ops) {
            if (o.op === 'set') update(k, fd, u32(o.key), new Uint8Array(map.userValueSize).fill(o.key + 1));
            else if (o.op === 'del') del(k, fd, u32(o.key));
            else {
              const all = walk(map);
              expect(pageOf(map, o.off, o.lim)).toEqual({ total: all.length, entries: all.slice(o.off, o.off + o.lim) });
              // and the next page, from the cursor this one left
              expect(pageOf(map, o.off + o.lim, o.lim).entries).toEqual(all.slice(o.off + o.lim, o.off + 2 * o.lim));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a page of a 4,000,000-entry array reads only its own entries', () => {
    const k = kernel({ ncpus: 1 });
    const { map } = createMap(k, T.Array, 4, 4, 4_000_000);
    let reads = 0;
    const entries = map.entries.bind(map);
    map.entries = function* () {
      for (const e of entries()) {
        reads++;
        yield e;
      }
    };
    const page = mapPage(k, map.id, 3_999_950, 100);
    expect(typeof page !== 'string' && page.total).toBe(4_000_000);
    expect(typeof page !== 'string' && page.entries.map((e) => hex(e.key))).toEqual(Array.from({ length: 50 }, (_, i) => hex(u32(3_999_950 + i))));
    expect(reads).toBe(0);
  });

  it('the pages of a 50,000-entry hash map, in order, read each element once', () => {
    const k = kernel({ ncpus: 1 });
    const n = 50_000;
    const { fd, map } = createMap(k, T.Hash, 4, 4, n);
    for (let i = 0; i < n; i++) update(k, fd, u32(i), u32(i));
    const all = walk(map);
    // count the element reads of the hash map's userValue (every entry a page returns reads one)
    const proto = Object.getPrototypeOf(map) as { userValue: (s: number) => Uint8Array };
    const userValue = proto.userValue;
    let reads = 0;
    (map as unknown as { userValue: (s: number) => Uint8Array }).userValue = function (this: unknown, s: number) {
      reads++;
      return userValue.call(this, s);
    };
    const got: string[] = [];
    for (let off = 0; off < n; off += 1000) {
      const p = mapPage(k, map.id, off, 1000);
      if (typeof p === 'string') throw new Error(p);
      expect(p.total).toBe(n);
      got.push(...p.entries.map((e) => `${hex(e.key)}=${e.value ? hex(e.value) : '-'}`));
    }
    expect(got).toEqual(all);
    expect(reads).toBe(n);
    // the same page again (the table refreshes after a step) reads only that page
    reads = 0;
    mapPage(k, map.id, 40_000, 100);
    mapPage(k, map.id, 40_000, 100);
    expect(reads).toBe(200);
  });
});
