/**
 * Loads, stores, atomics, LD_ABS/LD_IND and memory faults: little-endian layout, zero- and
 * sign-extension, every size, the fault values and their descriptions, read-only and hooked
 * regions.
 */
import { describe, expect, test } from 'vitest';
import { describeFault, type MemFault } from '../../src/mem';
import { call, exit, ins, lddw, machine, mov64, movReg } from './build';

const MEM = () => Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x80]);

describe('LDX', () => {
  test.each([
    ['ldxb', 0x71, 0x88n],
    ['ldxh', 0x69, 0x9988n],
    ['ldxw', 0x61, 0xbbaa9988n],
    ['ldxdw', 0x79, 0xffeeddccbbaa9988n],
    ['ldxsb', 0x91, 0xffffffffffffff88n],
    ['ldxsh', 0x89, 0xffffffffffff9988n],
    ['ldxsw', 0x81, 0xffffffffbbaa9988n],
  ])('%s [r1+7]', (_n, code, want) => {
    const { m } = machine([ins(code, 0, 1, 7), exit()], { mem: MEM() });
    expect(m.run()).toEqual({ kind: 'exit', r0: want });
  });

  test('sign-extending loads of positive values stay positive', () => {
    const { m } = machine([ins(0x91, 0, 1, 0), exit()], { mem: MEM() });
    expect(m.run()).toEqual({ kind: 'exit', r0: 0x11n });
  });

  test('negative offsets from r10 reach the stack; unaligned accesses work', () => {
    const { m } = machine([lddw(1, 0x0102030405060708n), ins(0x7b, 10, 1, -9), ins(0x61, 0, 10, -8), exit()]);
    expect(m.run()).toEqual({ kind: 'exit', r0: 0x04050607n });
  });
});

describe('the last region a load went to', () => {
  // Loads remember the region they went to last. Once that is forgotten (a call, a new slice),
  // an address below 4 GiB with the same low half must still fault, not read the old region.
  const below4g = [ins(0x71, 0, 1, 3), call(1), ins(0xbc, 3, 1), ins(0x71, 0, 3, 3), exit()];
  test.each(['interpreter', 'compiled'] as const)('%s: after a helper call', (engine) => {
    const { m } = machine(below4g, { mem: MEM(), engine });
    expect(m.run()).toMatchObject({ kind: 'fault', pc: 3, mem: { reason: 'no region', size: 1, write: false } });
  });
  test.each(['interpreter', 'compiled'] as const)('%s: in the next slice', (engine) => {
    const { m } = machine([ins(0x71, 0, 1, 3), ins(0xbc, 3, 1), ins(0x71, 0, 3, 3), exit()], { mem: MEM(), engine });
    expect(m.run(1)).toEqual({ kind: 'paused', at: 'limit' });
    expect(m.reg(0)).toBe(0x44n);
    expect(m.run()).toMatchObject({ kind: 'fault', pc: 2, mem: { reason: 'no region' } });
  });
  test.each(['interpreter', 'compiled'] as const)('%s: a region replaced between slices is read anew', (engine) => {
    const { m, host } = machine([ins(0x71, 0, 1, 3), ins(0x71, 0, 1, 4), exit()], { mem: MEM(), engine });
    m.run(1);
    host.memRegion!.bytes = Uint8Array.from([0, 0, 0, 0, 0xa5]);
    host.memRegion!.size = 5;
    expect(m.run()).toEqual({ kind: 'exit', r0: 0xa5n });
  });
});

describe('ST and STX', () => {
  test.each([
    ['stb', 0x72, '11 22 33 44 55 66 77 88 fe aa'],
    ['sth', 0x6a, '11 22 33 44 55 66 77 88 fe ff'],
    ['stw', 0x62, '11 22 33 44 55 66 77 88 fe ff ff ff dd'],
    ['stdw', 0x7a, '11 22 33 44 55 66 77 88 fe ff ff ff ff ff ff ff'],
  ])('%s [r1+8], -2 (the immediate sign-extended for stdw)', (_n, code, want) => {
    const mem = MEM();
    const { m } = machine([ins(code, 1, 0, 8, -2), mov64(0, 0), exit()], { mem });
    m.run();
    const hex = Array.from(mem.subarray(0, want.split(' ').length), (b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(hex).toBe(want);
  });

  test.each([
    ['stxb', 0x73, 1],
    ['stxh', 0x6b, 2],
    ['stxw', 0x63, 4],
    ['stxdw', 0x7b, 8],
  ])('%s writes the low bytes of src, little-endian', (_n, code, size) => {
    const mem = new Uint8Array(10);
    const { m } = machine([lddw(2, 0x0807060504030201n), ins(code, 1, 2, 1), mov64(0, 0), exit()], { mem });
    m.run();
    expect(Array.from(mem)).toEqual([0, ...[1, 2, 3, 4, 5, 6, 7, 8].map((b, i) => (i < size ? b : 0)), 0].slice(0, 10));
  });
});

describe('atomics', () => {
  /** r1 = mem (8 bytes = 0x0000000100000003 ), r2 = operand, r0 = compare value */
  const atomic = (code: number, imm: number, operand: bigint, r0 = 0n) => {
    const mem = Uint8Array.from([3, 0, 0, 0, 1, 0, 0, 0]);
    const { m } = machine([lddw(2, operand), lddw(0, r0), ins(code, 1, 2, 0, imm), ins(0x79, 3, 1, 0), exit()], { mem });
    const stop = m.run();
    return { stop, mem: m.reg(3), r2: m.reg(2), r0: m.reg(0) };
  };

  test.each([
    ['xadd dw', 0xdb, 0x00, 5n, 0x0000000100000008n, 5n],
    ['xadd w (carry stays in 32 bits)', 0xc3, 0x00, 0xfffffffen, 0x0000000100000001n, 0xfffffffen],
    ['fetch_add dw', 0xdb, 0x01, 5n, 0x0000000100000008n, 0x0000000100000003n],
    ['fetch_or w', 0xc3, 0x41, 0x10n, 0x0000000100000013n, 3n],
    ['fetch_and dw', 0xdb, 0x51, 0xffffffff00000001n, 0x0000000100000001n, 0x0000000100000003n],
    ['fetch_xor w', 0xc3, 0xa1, 1n, 0x0000000100000002n, 3n],
    ['or dw (no fetch)', 0xdb, 0x40, 0x10n, 0x0000000100000013n, 0x10n],
    ['xchg dw', 0xdb, 0xe1, 0x42n, 0x42n, 0x0000000100000003n],
    ['xchg w zero-extends the old value', 0xc3, 0xe1, 0xffffffff00000042n, 0x0000000100000042n, 3n],
  ])('%s', (_n, code, imm, operand, mem, r2) => {
    const r = atomic(code, imm, operand);
    expect(r.stop.kind).toBe('exit');
    expect(r.mem).toBe(mem);
    expect(r.r2).toBe(r2);
  });

  test('cmpxchg stores when r0 matches and always loads the old value into r0', () => {
    const hit = atomic(0xdb, 0xf1, 0x99n, 0x0000000100000003n);
    expect([hit.mem, hit.r0]).toEqual([0x99n, 0x0000000100000003n]);
    const miss = atomic(0xdb, 0xf1, 0x99n, 7n);
    expect([miss.mem, miss.r0]).toEqual([0x0000000100000003n, 0x0000000100000003n]);
    const w = atomic(0xc3, 0xf1, 0x99n, 0xffffffff00000003n);
    expect([w.mem, w.r0]).toEqual([0x0000000100000099n, 3n]);
  });
});

describe('faults', () => {
  const stopOf = (insns: Parameters<typeof machine>[0], mem?: Uint8Array) => machine(insns, { mem }).m.run();

  test('a load through a null pointer: no region', () => {
    const stop = stopOf([mov64(1, 0), ins(0x61, 0, 1, 4), exit()]);
    expect(stop).toMatchObject({ kind: 'fault', pc: 1, progId: 1, mem: { addr: 4n, size: 4, write: false, reason: 'no region' } });
    if (stop.kind === 'fault') expect(describeFault(stop.mem!)).toBe('invalid address: load of 4 bytes at 0x4 (no region)');
  });

  test('a store just past the top of the stack: out of bounds, naming the stack', () => {
    const stop = stopOf([ins(0x72, 10, 0, 0, 1), exit()]);
    expect(stop).toMatchObject({ kind: 'fault', pc: 0, mem: { size: 1, write: true, reason: 'out of bounds', region: 'stack' } });
  });

  test('the 512th byte below r10 is the last one', () => {
    expect(stopOf([ins(0x72, 10, 0, -512, 1), mov64(0, 0), exit()]).kind).toBe('exit');
    expect(stopOf([ins(0x72, 10, 0, -513, 1), exit()]).kind).toBe('fault');
  });

  test('an access straddling the end of a region faults and writes nothing', () => {
    const mem = new Uint8Array(8);
    const stop = stopOf([lddw(2, -1n), ins(0x7b, 1, 2, 4), exit()], mem);
    expect(stop).toMatchObject({ kind: 'fault', mem: { size: 8, reason: 'out of bounds', region: 'mem' } });
    expect(Array.from(mem)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('addresses that wrap around 2^64 fault as no region', () => {
    const stop = stopOf([mov64(6, -1), ins(0x72, 6, 0, 0, 0), exit()]);
    expect(stop).toMatchObject({ kind: 'fault', mem: { addr: 0xffffffffffffffffn, reason: 'no region' } });
  });

  test('a store to a read-only region', () => {
    const { m, host } = machine([ins(0x72, 1, 0, 0, 1), exit()]);
    const ro = host.mem.map('ctx', 'ctx', new Uint8Array(4), false);
    m.reset({ r1: host.mem.addr(ro), r10: host.r10 });
    const stop = m.run();
    expect(stop).toMatchObject({ kind: 'fault', mem: { reason: 'read-only', region: 'ctx' } });
    if (stop.kind === 'fault') expect(describeFault(stop.mem as MemFault)).toMatch(/^write to read-only memory: store of 1 byte at 0x[0-9a-f]+ \(region ctx\)$/);
  });

  test('hooked regions (the context) answer loads and stores through their hooks', () => {
    const { m, host } = machine([ins(0x61, 0, 1, 8), ins(0x62, 1, 0, 4, 7), ins(0x61, 3, 1, 12), exit()]);
    const ctx = host.mem.map('ctx', 'ctx (__sk_buff)', new Uint8Array(16), true);
    const stored: [number, number, bigint][] = [];
    ctx.hooks = {
      load: (off, size) => (off === 8 && size === 4 ? 0xfeedn : null),
      store: (off, size, v) => (stored.push([off, size, v]), off === 4),
    };
    m.reset({ r1: host.mem.addr(ctx), r10: host.r10 });
    const stop = m.run();
    expect(m.reg(0)).toBe(0xfeedn);
    expect(stored).toEqual([[4, 4, 7n]]);
    expect(stop).toMatchObject({ kind: 'fault', pc: 2, mem: { reason: 'refused', region: 'ctx (__sk_buff)' } });
  });

  test('a 4-byte load from a hooked field keeps the 64-bit value the hook gives (data, data_end)', () => {
    // r2 = *(u32 *)(r1 +76) is rewritten to a pointer load; 4-byte loads after it zero-extend,
    // from the stack (plain bytes) as from another hooked field
    const { m, host } = machine([ins(0x61, 2, 1, 76), ins(0x61, 4, 10, -8), ins(0x61, 3, 1, 0), ins(0xbf, 0, 2), exit()]);
    const ctx = host.mem.map('ctx', 'ctx (__sk_buff)', new Uint8Array(84), true);
    ctx.hooks = { load: (off) => (off === 76 ? 0xffff8800_10000000n : 0xffff_ffffn), store: () => false };
    m.reset({ r1: host.mem.addr(ctx), r10: host.r10 });
    expect(m.run()).toEqual({ kind: 'exit', r0: 0xffff8800_10000000n });
    expect(m.reg(4)).toBe(0n);
    expect(m.reg(3)).toBe(0xffff_ffffn);
  });
});

describe('LD_ABS and LD_IND', () => {
  const packet = Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
  const run = (insns: Parameters<typeof machine>[0]) => {
    const { m } = machine(insns, { packet });
    return { stop: m.run(), m };
  };

  test.each([
    ['ldabsb 1', 0x30, 1, 0x22n],
    ['ldabsh 2', 0x28, 2, 0x3344n],
    ['ldabsw 2', 0x20, 2, 0x33445566n],
  ])('%s reads big-endian', (_n, code, off, want) => {
    expect(run([mov64(0, 99), ins(code, 0, 0, 0, off), exit()]).stop).toEqual({ kind: 'exit', r0: want });
  });

  test('ldind adds the source register (low 32 bits) to the immediate', () => {
    expect(run([mov64(7, 3), ins(0x48, 0, 7, 0, 1), exit()]).stop).toEqual({ kind: 'exit', r0: 0x5566n });
    expect(run([lddw(7, 0xffffffff_00000003n), ins(0x50, 0, 7, 0, -1), exit()]).stop).toEqual({ kind: 'exit', r0: 0x33n });
  });

  test('out of the packet: the program ends at once with r0 = 0, a normal exit', () => {
    const { stop, m } = run([mov64(0, 5), ins(0x20, 0, 0, 0, 3), mov64(0, 7), exit()]);
    expect(stop).toEqual({ kind: 'exit', r0: 0n, cause: 'ld_abs' });
    expect(m.pc).toBe(1);
    expect(run([mov64(7, -1), ins(0x40, 0, 7, 0, 0), exit()]).stop).toMatchObject({ kind: 'exit', r0: 0n, cause: 'ld_abs' });
  });

  test('r1-r5 keep their values (what 4.8 interpreter does), r6-r9 too', () => {
    const { m } = run([mov64(1, 1), mov64(5, 5), mov64(6, 6), ins(0x30, 0, 0, 0, 0), exit()]);
    expect([m.reg(1), m.reg(5), m.reg(6)]).toEqual([1n, 5n, 6n]);
  });
});

describe('registers', () => {
  test('r10 is the top of a 512-byte stack and moves with nothing', () => {
    const { m, host } = machine([movReg(0, 10), exit()]);
    expect(m.run()).toEqual({ kind: 'exit', r0: host.r10 });
    expect(host.mem.resolve(host.r10 - 512n, 512, true)).toMatchObject({ offset: 0 });
  });
});
