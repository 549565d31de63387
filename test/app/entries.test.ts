/** How the map inspector reads and writes entries: per-CPU columns, fd-array slots, stacks, perf records. */
import { describe, expect, test } from 'vitest';
import { defaultFormat, deletable, joinPercpu, parseEntry, splitPercpu, valueTexts } from '../../app/panels/maps/entries';
import type { MapInfo } from '../../src/protocol';

const info = (over: Partial<MapInfo>): MapInfo => ({
  id: 1, name: 'm', type: 1, typeName: 'hash', keySize: 4, valueSize: 8, maxEntries: 8, flags: 0, userValueSize: 8, ncpus: 1, count: 0, pins: [], ...over,
});

describe('per-CPU values', () => {
  const m = info({ type: 6, typeName: 'percpu_array', valueSize: 4, userValueSize: 16, ncpus: 2 });
  test('split into one column a CPU, each round_up(value_size, 8) apart', () => {
    const v = new Uint8Array([1, 0, 0, 0, 9, 9, 9, 9, 2, 0, 0, 0, 9, 9, 9, 9]);
    expect(splitPercpu(m, v)).toEqual([new Uint8Array([1, 0, 0, 0]), new Uint8Array([2, 0, 0, 0])]);
    expect(valueTexts(m, { key: new Uint8Array(4), value: v }, defaultFormat(m))).toEqual(['1', '2']);
  });
  test('an edit gives one text a CPU back in the user-space layout', () => {
    const e = parseEntry(m, defaultFormat(m), '3', ['5', '6']);
    expect(e).toEqual({ key: new Uint8Array([3, 0, 0, 0]), value: new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]) });
    expect(joinPercpu(m, splitPercpu(m, (e as { value: Uint8Array }).value))).toEqual((e as { value: Uint8Array }).value);
  });
  test('a bad number names its CPU', () => expect(parseEntry(m, defaultFormat(m), '0', ['1', 'x'])).toMatch(/cpu 1/));
});

describe('special maps', () => {
  test('prog_array slots name their program', () => {
    const m = info({ type: 3, typeName: 'prog_array' });
    expect(valueTexts(m, { key: new Uint8Array(4), value: new Uint8Array(4), prog: { id: 4, name: 'next' } }, defaultFormat(m))).toEqual(['prog 4 next']);
    expect(valueTexts(m, { key: new Uint8Array(4), value: null }, defaultFormat(m))).toEqual(['(empty)']);
  });
  test('stack traces show their symbols, innermost first', () => {
    const m = info({ type: 7, typeName: 'stack_trace' });
    const frames = [{ ip: 1n, symbol: 'tcp_sendmsg+0x10' }, { ip: 2n, symbol: 'sock_sendmsg+0x4' }];
    expect(valueTexts(m, { key: new Uint8Array(4), value: new Uint8Array(16), frames }, defaultFormat(m))).toEqual(['tcp_sendmsg+0x10 ← sock_sendmsg+0x4']);
  });
  test('perf event arrays count their records and show the latest', () => {
    const m = info({ type: 4, typeName: 'perf_event_array' });
    const records = [{ cpu: 0, data: new Uint8Array([1, 2]) }];
    expect(valueTexts(m, { key: new Uint8Array(4), value: new Uint8Array(4), records }, defaultFormat(m))).toEqual(['1 record: [cpu 0] 0102']);
  });
  test('only hash maps delete entries', () => {
    expect(deletable(info({ type: 1 }))).toBe(true);
    expect(deletable(info({ type: 2 }))).toBe(false);
  });
});
