import { describe, expect, test } from 'vitest';
import { AddressSpace } from '../../src/mem';
import { decodeAt } from '../../src/isa';
import { pointerOf, regionView, stepView } from '../../src/session/views';
import type { StepEvent } from '../../src/vm/types';

describe('pointers read as region and offset', () => {
  const mem = new AddressSpace();
  const stack = mem.map('stack', 'stack', new Uint8Array(512), true);
  const ctx = mem.map('ctx', 'ctx (__sk_buff)', new Uint8Array(84), true);
  test.each([
    [mem.addr(stack, 504), { region: 'stack', kind: 'stack', offset: 504 }],
    [mem.addr(stack, 512), { region: 'stack', kind: 'stack', offset: 512 }],
    [mem.addr(ctx, 76), { region: 'ctx (__sk_buff)', kind: 'ctx', offset: 76 }],
  ])('%s', (addr, want) => expect(pointerOf(mem, addr)).toEqual(want));
  test('numbers and addresses past a region are not pointers', () => {
    expect(pointerOf(mem, 42n)).toBeNull();
    expect(pointerOf(mem, mem.addr(ctx, 85))).toBeNull();
    expect(pointerOf(mem, -1n)).toBeNull();
  });
  test('offsets count from the region\'s origin: a tracepoint record has memory below it', () => {
    const rec = mem.map('ctx', 'ctx (record)', new Uint8Array(64 + 32), false);
    rec.origin = 64;
    expect(pointerOf(mem, mem.addr(rec, 64))).toEqual({ region: 'ctx (record)', kind: 'ctx', offset: 0 });
    expect(pointerOf(mem, mem.addr(rec, 56))).toEqual({ region: 'ctx (record)', kind: 'ctx', offset: -8 });
    expect(pointerOf(mem, mem.addr(rec, 0))).toEqual({ region: 'ctx (record)', kind: 'ctx', offset: -64 });
    expect(pointerOf(mem, mem.addr(rec, 97))).toBeNull();
    const e = { step: 1, progId: 1, pcBefore: 0, pcAfter: 1, insn: decodeAt(new Uint8Array([0x79, 0x10, 0xf8, 0xff, 0, 0, 0, 0]), 0), regs: [], writes: [], effects: [] };
    const read = { region: 'ctx (record)', kind: 'ctx' as const, offset: 56, addr: mem.addr(rec, 56), size: 8 };
    expect(stepView({ ...e, reads: [read] }, '(79) r1 = *(u64 *)(r1 -8)', mem).reads[0].offset).toBe(-8);
    mem.unmap(rec);
  });
  test('a region view is a copy', () => {
    const v = regionView(mem, stack);
    stack.bytes[0] = 7;
    expect(v.bytes[0]).toBe(0);
    expect(v.addr).toBe(mem.addr(stack, 0));
  });
});

describe('step events cross the boundary as plain, independent data', () => {
  const insn = decodeAt(new Uint8Array([0xb7, 0, 0, 0, 1, 0, 0, 0]), 0);
  const written = new Uint8Array([1, 2]);
  const event: StepEvent = {
    step: 3,
    progId: 1,
    pcBefore: 4,
    pcAfter: 5,
    insn,
    regs: [{ reg: 0, old: 0n, new: 1n }],
    reads: [],
    writes: [{ region: 'stack', kind: 'stack', offset: 510, addr: 1n, size: 2, old: new Uint8Array(2), new: written }],
    call: { id: 5, name: 'ktime_get_ns', args: [1n, 2n, 3n, 4n, 5n], ret: 9n },
    effects: [{ kind: 'map_update', mapId: 1, key: new Uint8Array([1]), old: null, value: new Uint8Array([2]) }],
    stop: { kind: 'exit', r0: 1n },
  };
  const view = stepView(event, '(b7) r0 = 1', new AddressSpace());
  test('fields carry over', () => {
    expect(view).toMatchObject({ step: 3, pcBefore: 4, pcAfter: 5, text: '(b7) r0 = 1', regs: [{ reg: 0, old: 0n, new: 1n }], stop: { kind: 'exit', r0: 1n } });
    expect(view.call).toEqual({ id: 5, name: 'ktime_get_ns', args: [1n, 2n, 3n, 4n, 5n], ret: 9n });
  });
  test('bytes are copies', () => {
    written[0] = 99;
    expect(view.writes[0].new[0]).toBe(1);
  });
  test('structured clone keeps it intact', () => {
    expect(structuredClone(view)).toEqual(view);
  });
});
