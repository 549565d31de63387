/**
 * The compiler (vm/jit) against the interpreter: specific cases where counting, limits, faults,
 * calls and frames are easy to get wrong, then a property over random unverified programs run
 * whole, in random slices, and after random single steps, where every observable piece of
 * state must equal the interpreter's.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Machine, type Engine } from '../../src/vm';
import { Cpu } from '../../src/vm/cpu';
import { execute } from '../../src/vm/core';
import { compile, CHUNK_INSNS, CHUNK_SOURCE } from '../../src/vm/jit/compile';
import { call, exit, ins, lddw, machine, mov64, movReg, prog } from './build';
import { FakeHost, loadedProg } from './host';
import { layout, randomHost, richPiece } from './random';
import type { RawInsn } from '../../src/isa';
import type { HelperOutcome } from '../../src/kernel/types';

function state(m: Machine, host: FakeHost): unknown {
  return { regs: m.regs(), pc: m.pc, prog: m.progId, steps: m.stepCount, stopped: m.stopped, depth: m.frameDepth, host: host.snapshot() };
}

/** Runs `insns` with each engine on its own FakeHost; the two final states. */
function both(insns: RawInsn[], opts: { budget?: number; semantics?: '4.8' | 'modern'; progs?: ReturnType<typeof loadedProg>[]; mem?: number } = {}): [unknown, unknown] {
  const out = (['interpreter', 'compiled'] as Engine[]).map((engine) => {
    const host = new FakeHost({ mem: opts.mem ? new Uint8Array(opts.mem) : undefined, progs: opts.progs, packet: new Uint8Array(20).fill(7) });
    const m = new Machine(host, { id: 1, bytes: prog(insns) }, { r1: host.r1, r2: BigInt(opts.mem ?? 0), r10: host.r10 }, { engine, budget: opts.budget, semantics: opts.semantics });
    m.run();
    return state(m, host);
  });
  return [out[0], out[1]];
}

describe('compiled code counts and stops as the interpreter does', () => {
  const loop = [mov64(0, 0), ins(0x07, 0, 0, 0, 1), ins(0x05, 0, 0, -2), exit()];

  test('an endless loop stops exactly at the budget, even inside a block', () => {
    for (const budget of [1, 2, 3, 999, 1000, 1001]) {
      const { m } = machine(loop, { budget, engine: 'compiled' });
      expect(m.run()).toEqual({ kind: 'budget', executed: budget });
      expect(m.stepCount).toBe(budget);
      expect(m.reg(0)).toBe(BigInt(Math.floor(budget / 2)));
    }
  });

  test('run(n) pauses after exactly n instructions and goes on from the middle of a block', () => {
    const { m } = machine(loop, { budget: 100, engine: 'compiled' });
    expect(m.run(7)).toEqual({ kind: 'paused', at: 'limit' });
    expect([m.pc, m.stepCount, m.reg(0)]).toEqual([1, 7, 3n]);
    expect(m.run()).toEqual({ kind: 'budget', executed: 100 });
  });

  test('a fault in the middle of a block counts the instructions before it and the faulting one', () => {
    const [a, b] = both([mov64(0, 1), mov64(1, 8), ins(0x07, 0, 0, 0, 1), ins(0x79, 2, 1, 0), mov64(0, 5), exit()]);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ steps: 4, pc: 3, stopped: { kind: 'fault', pc: 3, mem: { reason: 'no region' } } });
  });

  test('division by zero: 4.8 ends the run with r0 = 0 mid-block, or faults where 4.8 crashes; modern goes on', () => {
    const divs = [mov64(0, 9), mov64(2, 0), ins(0x3f, 0, 2), mov64(0, 3), exit()];
    for (const semantics of ['4.8', 'modern'] as const) {
      const [a, b] = both(divs, { semantics });
      expect(b).toEqual(a);
    }
    const [a] = both(divs);
    expect(a).toMatchObject({ steps: 3, stopped: { kind: 'exit', r0: 0n, cause: 'div_by_zero' } });
    const crash = [lddw(2, 1n << 32n), ins(0x3c, 0, 2), exit()];
    const [c, d] = both(crash);
    expect(d).toEqual(c);
    expect(c).toMatchObject({ stopped: { kind: 'fault', message: expect.stringMatching(/^division by zero: Linux 4.8/) } });
  });

  test('LD_ABS out of the packet ends the run with r0 = 0 at that instruction', () => {
    const [a, b] = both([mov64(0, 5), ins(0x20, 0, 0, 0, 2), ins(0x30, 0, 0, 0, 30), mov64(0, 9), exit()]);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ steps: 3, stopped: { kind: 'exit', r0: 0n, cause: 'ld_abs' } });
  });

  test('helper calls see the count of instructions run so far, the call included', () => {
    const seen: number[][] = [];
    for (const engine of ['interpreter', 'compiled'] as Engine[]) {
      const host = new FakeHost();
      const counts: number[] = [];
      host.callHelper = (...args: unknown[]): HelperOutcome => {
        const executed = args[7] as number;
        counts.push(executed);
        return { kind: 'ret', r0: BigInt(executed) };
      };
      const m = new Machine(host, { id: 1, bytes: prog([mov64(6, 3), call(1), ins(0x0f, 7, 0), ins(0x17, 6, 0, 0, 1), ins(0x55, 6, 0, -4, 0), movReg(0, 7), exit()]) }, { r10: host.r10 }, { engine });
      m.run();
      seen.push(counts);
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]).toEqual([2, 6, 10]);
  });

  test('tail calls: the program switches, and the 32-call limit of the helper holds', () => {
    const self = loadedProg(1, [ins(0x07, 0, 0, 0, 1), mov64(3, 0), call(12), exit()]);
    for (const engine of ['interpreter', 'compiled'] as Engine[]) {
      const host = new FakeHost({ progs: [self] });
      const m = new Machine(host, { id: 1, bytes: self.bytes }, { r10: host.r10 }, { engine });
      expect(m.run()).toEqual({ kind: 'exit', r0: 33n });
      expect(host.tailCalls).toBe(32);
      // 32 times add, mov, call; then add, mov, the call that no longer jumps, exit
      expect(m.stepCount).toBe(32 * 3 + 4);
    }
  });

  test('bpf-to-bpf calls: frames, their stacks, and too many nested calls', () => {
    const fn = [mov64(6, 1), ins(0x85, 0, 1, 0, 3), ins(0x0f, 0, 6), movReg(7, 10), exit(), mov64(6, 100), ins(0x7a, 10, 0, -8, 42), ins(0x79, 0, 10, -8), exit()];
    const [a, b] = both(fn);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ stopped: { kind: 'exit', r0: 43n } });
    const deep = both([ins(0x85, 0, 1, 0, -1), exit()]);
    expect(deep[1]).toEqual(deep[0]);
  });

  test('stack accesses off the frame with constant offsets fault as in the interpreter', () => {
    for (const off of [-520, -513, -512, -1, 0, 8]) {
      const [a, b] = both([ins(0x7a, 10, 0, off, 1), ins(0x61, 0, 10, off), exit()]);
      expect(b).toEqual(a);
    }
  });

  test('a stack of another size than 512 bytes goes through the checked path', () => {
    for (const engine of ['interpreter', 'compiled'] as Engine[]) {
      const host = new FakeHost();
      const small = host.mem.map('stack', 'small stack', new Uint8Array(64), true);
      const m = new Machine(host, { id: 1, bytes: prog([ins(0x7a, 10, 0, -8, 7), ins(0x79, 0, 10, -8), ins(0x7a, 10, 0, -72, 1), exit()]) }, { r10: host.mem.addr(small, 64) }, { engine });
      expect(m.run()).toMatchObject({ kind: 'fault', pc: 2, mem: { reason: 'out of bounds', region: 'small stack' } });
      expect(m.reg(0)).toBe(7n);
    }
  });

  test(`programs longer than a chunk (${CHUNK_INSNS} instructions) run across chunk functions`, () => {
    const body: RawInsn[] = [];
    for (let i = 0; i < 3 * CHUNK_INSNS + 17; i++) body.push(i % 3 === 0 ? ins(0x7b, 10, 0, -8 - 8 * (i % 8)) : ins(0x07, 0, 0, 0, i));
    body.push(ins(0x55, 0, 0, 1, 0), ins(0x05, 0, 0, -(body.length + 2)), exit());
    const [a, b] = both(body, { budget: 5000 });
    expect(b).toEqual(a);
    expect(compile(prog(body), false).fns.length).toBeGreaterThanOrEqual(4);
  });

  test(`every chunk function stays under ${CHUNK_SOURCE} characters (what V8 still optimises, with a margin), whatever the instructions`, () => {
    const shapes: Record<string, (i: number) => RawInsn> = {
      alu: (i) => (i % 3 ? ins(0x2f, 2 + (i % 8), 2 + ((i + 3) % 8)) : ins(0x27, 2 + (i % 8), 0, 0, -i)),
      jumps: (i) => (i % 2 ? ins(0x2d, 2 + (i % 8), 2 + ((i + 3) % 8), 1) : ins(0x07, 2 + (i % 8), 0, 0, i)),
      memory: (i) => [ins(0x7b, 10, 2 + (i % 8), -8 - 8 * (i % 60)), ins(0x79, 2 + (i % 8), 10, -8 - 8 * (i % 60)), ins(0x61, 3, 1, (i % 16) * 4), ins(0x63, 1, 4, (i % 16) * 4)][i % 4],
      calls: (i) => (i % 3 ? ins(0x07, 2 + (i % 8), 0, 0, i) : call(5)),
    };
    for (const [name, shape] of Object.entries(shapes)) {
      const body = Array.from({ length: 4000 }, (_, i) => shape(i));
      body.push(exit());
      const c = compile(prog(body), false);
      expect(c.fns.length, name).toBeGreaterThan(2);
      for (const size of c.sourceSizes) expect(size, name).toBeLessThanOrEqual(CHUNK_SOURCE);
      const [a, b] = both(body, { budget: 3000, mem: 64 });
      expect(b, name).toEqual(a);
    }
  });

  test('entering compiled code in the middle of a block after single steps', () => {
    const insns = [mov64(0, 1), ins(0x07, 0, 0, 0, 2), ins(0x27, 0, 0, 0, 3), ins(0x7b, 10, 0, -8), ins(0x79, 1, 10, -8), ins(0x0f, 0, 1), exit()];
    const ref = machine(insns).m;
    ref.run();
    for (let k = 0; k < insns.length; k++) {
      const { m } = machine(insns, { engine: 'compiled' });
      for (let i = 0; i < k; i++) m.step();
      expect(m.run()).toEqual(ref.stopped);
      expect(m.regs()).toEqual(ref.regs());
      expect(m.stepCount).toBe(ref.stepCount);
    }
  });
});

describe("'auto' compiles once the machine has interpreted enough", () => {
  test('the result is the same before and after tiering up, whatever the slices', () => {
    const loop = [mov64(0, 0), mov64(1, 200_000), ins(0x07, 0, 0, 0, 3), ins(0x17, 1, 0, 0, 1), ins(0x55, 1, 0, -3, 0), exit()];
    const a = machine(loop, { budget: 10_000_000, engine: 'interpreter' }).m;
    const b = machine(loop, { budget: 10_000_000, engine: 'auto' }).m;
    expect(b.compiledCode).toBe(false);
    expect(b.run()).toEqual(a.run());
    expect(b.stepCount).toBe(a.stepCount);
    expect(b.compiledCode).toBe(true);
    expect(a.compiledCode).toBe(false);
  });
});

// ---- the property ----

function fresh(bytes: Uint8Array, semantics: '4.8' | 'modern', engine: Engine): { m: Machine; host: FakeHost } {
  const host = randomHost();
  const m = new Machine(host, { id: 1, bytes }, { r1: host.r1, r2: 64n, r10: host.r10 }, { semantics, budget: 2000, engine });
  return { m, host };
}

describe('compiled == interpreted on random programs', () => {
  test('whole runs, runs in random slices, and runs after random single steps', () => {
    fc.assert(
      fc.property(
        fc.array(richPiece, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('4.8' as const, 'modern' as const),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 30 }),
        (pieces, semantics, slices, steps) => {
          const bytes = prog(layout(pieces));
          const ref = fresh(bytes, semantics, 'interpreter');
          ref.m.run();
          const want = state(ref.m, ref.host);
          const whole = fresh(bytes, semantics, 'compiled');
          whole.m.run();
          expect(state(whole.m, whole.host)).toEqual(want);
          const sliced = fresh(bytes, semantics, 'compiled');
          for (let k = 0; sliced.m.run(slices[k % slices.length]).kind === 'paused'; k++);
          expect(state(sliced.m, sliced.host)).toEqual(want);
          const stepped = fresh(bytes, semantics, 'compiled');
          for (let k = 0; k < steps; k++) stepped.m.step();
          stepped.m.run();
          expect(state(stepped.m, stepped.host)).toEqual(want);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('compiled runs to breakpoints pause where the interpreter does', () => {
  test('a loop with a breakpoint inside a block, at a jump target and after a call pauses before it each round', () => {
    // 0: r6 = 0; 1: r6 += 1; 2: call 1; 3: r7 = r6; 4: if r6 != 50 goto 1; 5: exit
    const loop = [mov64(6, 0), ins(0x07, 6, 0, 0, 1), call(1), movReg(7, 6), ins(0x55, 6, 0, -4, 50), movReg(0, 6), exit()];
    for (const bps of [[3], [1], [1, 3], [5], [6]]) {
      const at: number[][] = [];
      for (const engine of ['interpreter', 'compiled'] as Engine[]) {
        const { m } = machine(loop, { budget: 10_000, engine });
        const seen: number[] = [];
        for (let k = 0; k < 200; k++) {
          const r = m.runRecorded(Infinity, new Set(bps));
          if (!(r.kind === 'paused' && r.at === 'breakpoint')) break;
          seen.push(m.stepCount, m.pc);
        }
        seen.push(m.stepCount);
        at.push(seen);
      }
      expect(at[1]).toEqual(at[0]);
      expect(at[0].length).toBeGreaterThan(2);
    }
  });

  test('random programs, random breakpoints and limits: compiled and interpreted pause at the same steps, in the same state', () => {
    let hits = 0;
    fc.assert(
      fc.property(
        fc.array(richPiece, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('4.8' as const, 'modern' as const),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }),
        (pieces, semantics, bps, limits) => {
          const bytes = prog(layout(pieces));
          const runs = (['interpreter', 'compiled'] as Engine[]).map((engine) => {
            const r = fresh(bytes, semantics, engine);
            const trail: unknown[] = [];
            for (let k = 0; k < 12 && r.m.stopped === null; k++) {
              const res = r.m.runRecorded(limits[k % limits.length], new Set(bps));
              if (res.kind === 'paused' && res.at === 'breakpoint') hits++;
              trail.push(res, r.m.stepCount, r.m.pc);
            }
            return { trail, end: state(r.m, r.host) };
          });
          expect(runs[1]).toEqual(runs[0]);
        },
      ),
      { numRuns: 1000 },
    );
    // the property met breakpoints often (each pause counted once an engine)
    expect(hits).toBeGreaterThan(400);
  });
});

describe('exit values', () => {
  // exits with r0 of 0-255 or -1 share stops made once: the boundaries must still say r0 exactly
  const values = [0n, 1n, 255n, 256n, 0xffffffffn, 0x1_0000_00ffn, 0xffffffff_000000ffn, 0xffffffff_ffffffffn, 0xffffffff_fffffffen, 0x7fffffff_ffffffffn];
  test.each(['interpreter', 'compiled'] as const)('%s', (engine) => {
    for (const v of values) {
      const { m } = machine([lddw(0, v), exit()], { engine });
      expect({ v, stop: m.run() }).toEqual({ v, stop: { kind: 'exit', r0: v } });
    }
  });
});

describe('the interpreter asked for more than it runs at once', () => {
  test.each([Infinity, 2 ** 31, 2 ** 32 + 5])('execute(cpu, %s) runs the program, not zero instructions', (max) => {
    const host = new FakeHost();
    const cpu = new Cpu(host, { id: 1, bytes: prog([mov64(0, 0), ins(0x07, 0, 0, 0, 1), ins(0xa5, 0, 0, -2, 1000), exit()]) }, 'modern');
    cpu.L[10] = Number(host.r10 & 0xffffffffn) | 0;
    cpu.H[10] = Number(host.r10 >> 32n) | 0;
    expect(execute(cpu, max)).toBe(1 + 2 * 1000 + 1);
    expect(cpu.stop).toEqual({ kind: 'exit', r0: 1000n });
  });
});
