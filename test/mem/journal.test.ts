/**
 * The journal's bookkeeping (bytes, dropping its oldest entries, absolute marks) and page
 * copy-on-write: a page is saved once per segment, and rewinding restores it exactly.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { AddressSpace, COW_PAGE, Journal, PageCow, UNDO_COST } from '../../src/mem';

describe('Journal', () => {
  test('counts bytes, rewinds newest first, and keeps marks valid across drops', () => {
    const j = new Journal();
    const log: number[] = [];
    for (let i = 0; i < 10; i++) j.push(() => log.push(i), i === 3 ? 1000 : undefined);
    expect(j.bytes).toBe(9 * UNDO_COST + 1000);
    const m5 = 5;
    j.dropBefore(4);
    expect([j.size, j.start, j.bytes]).toEqual([6, 4, 6 * UNDO_COST]);
    j.rewindTo(m5);
    expect(log).toEqual([9, 8, 7, 6, 5]);
    expect([j.mark(), j.size]).toEqual([5, 1]);
    // a mark before the oldest kept entry rewinds only as far as there is
    j.rewindTo(0);
    expect(log).toEqual([9, 8, 7, 6, 5, 4]);
    expect([j.mark(), j.bytes]).toEqual([4, 0]);
  });

  test('many drops stay cheap and exact (compaction keeps positions)', () => {
    const j = new Journal();
    let undone = 0;
    for (let i = 0; i < 100_000; i++) {
      j.push(() => undone++);
      if (i % 1000 === 999) j.dropBefore(i - 500);
    }
    expect(j.start).toBe(99_499);
    expect(j.size).toBe(501);
    j.rewindTo(99_900);
    expect(undone).toBe(100);
    j.clear();
    expect([j.size, j.bytes, j.mark()]).toEqual([0, 0, 99_900]);
  });
});

describe('PageCow', () => {
  test('saves a page once per segment; rewinding restores every page as the segment found it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 255 }), fc.boolean()), { maxLength: 60 }), (writes) => {
        const space = new AddressSpace();
        const r = space.map('map_value', 'values', new Uint8Array(1024).map((_, i) => i), true);
        const j = new Journal();
        const cow = new PageCow(j);
        space.journal = j;
        space.cow = cow;
        const marks: [number, Uint8Array][] = [[j.mark(), r.bytes.slice()]];
        for (const [off, len, v, newSegment] of writes) {
          if (newSegment) {
            cow.renew();
            marks.push([j.mark(), r.bytes.slice()]);
          }
          space.writeAt(r, off, new Uint8Array(Math.min(len, 1024 - off)).fill(v));
        }
        // at most one copy of each page per segment
        expect(j.size).toBeLessThanOrEqual(marks.length * (1024 / COW_PAGE));
        for (let k = marks.length - 1; k >= 0; k--) {
          j.rewindTo(marks[k][0]);
          expect(r.bytes).toEqual(marks[k][1]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
