import { describe, expect, it } from 'vitest';
import { Errno, MapType, ProgType } from '../../src/isa';
import { Journal } from '../../src/mem';
import { harness, neg } from './harness';
import { ipv4Udp } from './packets';
import { createMap, hex, kernel, loadedProg, setSlot } from '../support/kernel';

const LOOKUP = 1;
const UPDATE = 2;
const DELETE = 3;
const TAIL_CALL = 12;
const le32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];

function withMaps() {
  const k = kernel();
  const arr = createMap(k, MapType.Array, 4, 8, 4).map;
  const hash = createMap(k, MapType.Hash, 4, 8, 2).map;
  const h = harness(ProgType.SchedCls, { data: ipv4Udp() }, k);
  return { h, arr, hash };
}

describe('map_lookup_elem / map_update_elem / map_delete_elem', () => {
  it('lookup gives the value address or NULL, with an effect', () => {
    const { h, arr, hash } = withMaps();
    const addr = h.r0(LOOKUP, arr.addr, h.put(8, le32(2)));
    expect(addr).not.toBe(0n);
    expect(hex(h.get(addr, 8))).toBe('00'.repeat(8));
    expect(h.r0(LOOKUP, arr.addr, h.put(8, le32(4)))).toBe(0n);
    const out = h.call(LOOKUP, hash.addr, h.put(8, le32(1)));
    expect(out).toMatchObject({ kind: 'ret', r0: 0n, effects: [{ kind: 'map_lookup', mapId: hash.id, found: false }] });
  });
  it('update writes the value and reports old and new', () => {
    const { h, hash } = withMaps();
    const key = h.put(8, le32(1));
    const val = h.put(16, [1, 2, 3, 4, 5, 6, 7, 8]);
    const out = h.call(UPDATE, hash.addr, key, val, 0);
    expect(out).toMatchObject({ kind: 'ret', r0: 0n, effects: [{ kind: 'map_update', old: null }] });
    expect(hex(h.get(h.r0(LOOKUP, hash.addr, key), 8))).toBe('0102030405060708');
    const again = h.call(UPDATE, hash.addr, key, h.put(24, new Array(8).fill(9)), 2);
    expect(again.kind === 'ret' && again.effects?.[0]).toMatchObject({ kind: 'map_update', old: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
  });
  const errors: [string, 'arr' | 'hash', number, number, bigint][] = [
    ['flags above BPF_EXIST', 'hash', 1, 4, neg(Errno.EINVAL)],
    ['array index past the end', 'arr', 4, 0, neg(Errno.E2BIG)],
    ['array NOEXIST', 'arr', 0, 1, neg(Errno.EEXIST)],
    ['hash EXIST on a missing key', 'hash', 3, 2, neg(Errno.ENOENT)],
  ];
  it.each(errors)('update: %s', (_, which, key, flags, rc) => {
    const { h, arr, hash } = withMaps();
    const m = which === 'arr' ? arr : hash;
    expect(h.r0(UPDATE, m.addr, h.put(8, le32(key)), h.put(16, new Array(8).fill(1)), flags)).toBe(rc);
  });
  it('update: a new key in a full hash map is -E2BIG', () => {
    const { h, hash } = withMaps();
    for (const key of [1, 2]) expect(h.r0(UPDATE, hash.addr, h.put(8, le32(key)), h.put(16, new Array(8).fill(1)), 0)).toBe(0n);
    expect(h.r0(UPDATE, hash.addr, h.put(8, le32(3)), h.put(16, new Array(8).fill(1)), 0)).toBe(neg(Errno.E2BIG));
  });
  it('delete: arrays -EINVAL, missing hash key -ENOENT, then the entry is gone', () => {
    const { h, arr, hash } = withMaps();
    expect(h.r0(DELETE, arr.addr, h.put(8, le32(0)))).toBe(neg(Errno.EINVAL));
    expect(h.r0(DELETE, hash.addr, h.put(8, le32(5)))).toBe(neg(Errno.ENOENT));
    const key = h.put(8, le32(5));
    h.r0(UPDATE, hash.addr, key, h.put(16, new Array(8).fill(3)), 0);
    expect(h.call(DELETE, hash.addr, key)).toMatchObject({ kind: 'ret', r0: 0n, effects: [{ kind: 'map_delete' }] });
    expect(h.r0(LOOKUP, hash.addr, key)).toBe(0n);
  });
  it('a key outside program memory is a fault, not a crash', () => {
    const { h, hash } = withMaps();
    expect(h.call(LOOKUP, hash.addr, 0x10n).kind).toBe('fault');
    expect(h.call(LOOKUP, 0x1234n, h.put(8, le32(0))).kind).toBe('fault');
  });
  it('updates step back', () => {
    const { h, arr } = withMaps();
    const j = new Journal();
    h.k.mem.journal = j;
    const key = h.put(8, le32(1));
    h.r0(UPDATE, arr.addr, key, h.put(16, new Array(8).fill(7)), 0);
    j.rewindTo(0);
    expect(hex(h.get(h.r0(LOOKUP, arr.addr, key), 8))).toBe('00'.repeat(8));
  });
});

describe('tail_call (4.8 interpreter rules)', () => {
  function setup() {
    const k = kernel();
    const { fd, map: progs } = createMap(k, MapType.ProgArray, 4, 4, 4);
    const target = loadedProg(k, ProgType.SchedCls);
    setSlot(k, fd, 1, target.fd);
    const h = harness(ProgType.SchedCls, { data: ipv4Udp() }, k);
    return { h, progs, target: target.prog };
  }
  it('jumps into the program in the slot', () => {
    const { h, progs, target } = setup();
    expect(h.call(TAIL_CALL, h.ctx, progs.addr, 1)).toEqual({ kind: 'tail_call', prog: target });
    expect(h.run.state.prog).toBe(target);
    expect(h.run.state.tailCalls).toBe(1);
  });
  it.each([
    ['an empty slot (counted)', 2n, 1],
    ['an index past max_entries (not counted)', 4n, 0],
    ['an index above 32 bits: 4.8 compares 64 bits', (1n << 32n) + 1n, 0],
  ])('falls through on %s', (_, index, counted) => {
    const { h, progs } = setup();
    const out = h.call(TAIL_CALL, h.ctx, progs.addr, index);
    expect(out.kind).toBe('ret');
    expect(h.run.state.tailCalls).toBe(counted);
  });
  it('lets 33 tail calls through: the 34th falls through', () => {
    const { h, progs } = setup();
    const kinds: string[] = [];
    for (let i = 0; i < 34; i++) kinds.push(h.call(TAIL_CALL, h.ctx, progs.addr, 1).kind);
    expect(kinds.filter((x) => x === 'tail_call').length).toBe(33);
    expect(kinds[33]).toBe('ret');
    h.run.again();
    expect(h.call(TAIL_CALL, h.ctx, progs.addr, 1).kind).toBe('tail_call');
  });
});
