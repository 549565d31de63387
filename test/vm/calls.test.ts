/**
 * Helper calls, tail calls, bpf-to-bpf calls and callx; the run's budget, run limits and
 * breakpoints.
 */
import { describe, expect, test } from 'vitest';
import { MAX_CALL_FRAMES } from '../../src/vm';
import { call, exit, ins, lddw, machine, mov64, movReg } from './build';
import { loadedProg } from './host';

describe('helper calls', () => {
  test('arguments in r1-r5, result in r0, r6-r9 kept', () => {
    const { m, host } = machine([mov64(1, 5), mov64(6, 6), call(1), mov64(1, 2), call(1), exit()]);
    expect(m.run()).toEqual({ kind: 'exit', r0: 7n });
    expect(host.counter).toBe(7n);
    expect(m.reg(6)).toBe(6n);
  });

  test('an unknown helper at run time is a fault naming it', () => {
    const stop = machine([call(77), exit()]).m.run();
    expect(stop).toMatchObject({ kind: 'fault', pc: 0, message: 'call to unknown helper function 77' });
  });

  test("a helper's bad access is a fault with the memory fault", () => {
    const stop = machine([mov64(1, 0), call(2), exit()]).m.run();
    expect(stop).toMatchObject({ kind: 'fault', pc: 1, mem: { reason: 'no region', write: true } });
  });

  test('callx calls the helper whose id is in dst', () => {
    const { m, host } = machine([mov64(1, 3), mov64(2, 1), ins(0x8d, 2), exit()]);
    expect(m.run()).toEqual({ kind: 'exit', r0: 3n });
    expect(host.counter).toBe(3n);
  });
});

describe('tail calls', () => {
  const target = loadedProg(7, [ins(0xbf, 0, 6), ins(0x07, 0, 0, 0, 100), exit()]);

  test('a tail call continues at the first instruction of the target, registers and stack kept', () => {
    const { m } = machine([mov64(6, 5), ins(0x72, 10, 0, -1, 9), mov64(3, 0), call(12), mov64(0, 1), exit()], { progs: [target] });
    expect(m.run()).toEqual({ kind: 'exit', r0: 105n });
    expect(m.progId).toBe(7);
    expect(m.stepCount).toBe(7);
  });

  test('a tail call that does not jump leaves every register as it was (4.8 runs it as "continue")', () => {
    const { m } = machine([mov64(0, 42), mov64(3, 9), call(12), exit()], { progs: [target] });
    expect(m.run()).toEqual({ kind: 'exit', r0: 42n });
    expect(m.reg(3)).toBe(9n);
  });
});

describe('bpf-to-bpf calls', () => {
  // 0: r6 = 1; 1: call +3 (-> 5); 2: r0 += r6; 3: r0 += r10 - r10 saved; 4: exit
  // 5: r6 = 100; r0 = 10; *(u8 *)(r10 - 1) = 1; exit
  test('the callee gets a fresh frame; r6-r9 and r10 are restored on return', () => {
    const { m, host } = machine([
      mov64(6, 1),
      ins(0x85, 0, 1, 0, 3),
      ins(0x0f, 0, 6),
      movReg(7, 10),
      exit(),
      mov64(6, 100),
      movReg(8, 10),
      mov64(0, 10),
      exit(),
    ]);
    expect(m.run()).toEqual({ kind: 'exit', r0: 11n });
    expect(m.reg(7)).toBe(host.r10);
    expect(m.reg(6)).toBe(1n);
  });

  test("the callee's stack is its own region", () => {
    const { m } = machine([ins(0x85, 0, 1, 0, 1), exit(), movReg(0, 10), ins(0x72, 10, 0, -1, 7), exit()]);
    const first = m.step();
    expect(first.regs.find((r) => r.reg === 10)).toBeDefined();
    m.step();
    const st = m.step();
    expect(st.writes).toMatchObject([{ region: 'stack (frame 1)', offset: 511, size: 1 }]);
    expect(m.frameDepth).toBe(1);
  });

  test('a new run finds its call frames zeroed; dispose unmaps them', () => {
    // the function returns the byte at r10 - 1 of its frame, then writes 7 there
    const { m, host } = machine([ins(0x85, 0, 1, 0, 1), exit(), ins(0x71, 0, 10, -1), ins(0x72, 10, 0, -1, 7), exit()]);
    expect(m.run()).toEqual({ kind: 'exit', r0: 0n });
    m.reset({ r10: host.r10 });
    expect(m.run()).toEqual({ kind: 'exit', r0: 0n });
    const names = () => [...host.mem.regions()].map((r) => r.name);
    expect(names()).toContain('stack (frame 1)');
    m.dispose();
    expect(names()).not.toContain('stack (frame 1)');
  });

  test(`more than ${MAX_CALL_FRAMES} frames is a fault`, () => {
    const stop = machine([ins(0x85, 0, 1, 0, -1), exit()]).m.run();
    expect(stop).toMatchObject({ kind: 'fault', pc: 0, message: expect.stringMatching(/too many nested calls/) });
  });
});

describe('budget, limits and breakpoints', () => {
  const loop = [mov64(0, 0), ins(0x07, 0, 0, 0, 1), ins(0x05, 0, 0, -2), exit()];

  test('an endless loop stops when the budget is spent', () => {
    const { m } = machine(loop, { budget: 1000 });
    expect(m.run()).toEqual({ kind: 'budget', executed: 1000 });
    expect(m.stepCount).toBe(1000);
    expect(m.reg(0)).toBe(500n);
    expect(m.step().stop).toEqual({ kind: 'budget', executed: 1000 });
  });

  test('run(n) pauses after n instructions and goes on from there', () => {
    const { m } = machine([mov64(0, 1), ins(0x07, 0, 0, 0, 1), ins(0x07, 0, 0, 0, 1), exit()]);
    expect(m.run(2)).toEqual({ kind: 'paused', at: 'limit' });
    expect([m.pc, m.stepCount, m.stopped]).toEqual([2, 2, null]);
    expect(m.run()).toEqual({ kind: 'exit', r0: 3n });
    expect(m.run()).toEqual({ kind: 'exit', r0: 3n });
  });

  test('runRecorded stops before a breakpoint, leaves it when continued, and keeps history', () => {
    const { m } = machine(loop, { budget: 100 });
    const atAdd = new Set([1]);
    expect(m.runRecorded(Infinity, atAdd)).toEqual({ kind: 'paused', at: 'breakpoint' });
    expect([m.pc, m.stepCount]).toEqual([1, 1]);
    expect(m.runRecorded(Infinity, atAdd)).toEqual({ kind: 'paused', at: 'breakpoint' });
    expect([m.pc, m.stepCount, m.reg(0)]).toEqual([1, 3, 1n]);
    expect(m.historyLength).toBe(3);
    expect(m.runRecorded()).toEqual({ kind: 'budget', executed: 100 });
    expect(m.historyLength).toBe(100);
    while (m.back());
    expect([m.pc, m.stepCount, m.reg(0), m.stopped]).toEqual([0, 0, 0n, null]);
  });

  test('lddw counts as one instruction', () => {
    const { m } = machine([lddw(0, 5n), exit()]);
    m.run();
    expect(m.stepCount).toBe(2);
  });
});
