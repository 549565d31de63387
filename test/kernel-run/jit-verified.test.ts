/**
 * Compiled == interpreted on thousands of random programs that the 4.8 verifier accepts
 * (test/verifier/gen.ts in 'sound' mode: every program type, pointers of every kind, packet
 * access, map lookups and updates, helpers, LD_ABS/LD_IND, stack spills). Two identical worlds
 * (same seed, same maps at the same addresses, the same random contents before each run) run
 * each accepted program on the same random packet: one through the interpreter, one through the
 * compiled code (both with the helpers' fast path), and a third time one recorded step at a time
 * (the helpers' general path, with events, and the history). After every run the stop (r0, fault or budget), the registers, the instruction
 * count, the stack, context and packet bytes, the program type's output (retval, data_out,
 * verdict, redirect), every map's contents, trace_pipe, the world's clock and its PRNG must agree.
 */
import { describe, expect, test } from 'vitest';
import { bytesToHex, Cmd, LINUX_VERSION_CODE } from '../../src/isa';
import { prepareRun } from '../../src/kernel/run';
import { Machine, type Engine } from '../../src/vm';
import { generate, Rng } from '../verifier/gen';
import { kernelState, makeWorld, randomFrame, randomizeMaps, WORLDS, type World } from '../verifier/soundness';

const PROGRAMS = 3000;
const RUNS = 2;

/**
 * Everything a run leaves that can be observed. 'stepped' runs it one recorded step at a time,
 * as the debugger does: helpers then take their general path (with effects), not the fast one.
 */
function outcome(w: World, fd: number, rng: Rng, engine: Engine | 'stepped'): unknown {
  randomizeMaps(w, rng);
  const prog = w.k.progOfFd(fd)!;
  const run = prepareRun(w.k, prog, { data: randomFrame(rng) });
  if (!run.ok) return { refused: run.message };
  try {
    const m = new Machine(run.host, prog, run.init, { budget: 200_000, engine: engine === 'stepped' ? 'interpreter' : engine });
    if (engine === 'stepped') while (!m.stopped) m.step();
    else m.run();
    const stop = m.stopped!;
    run.retire(m.stepCount);
    const bytes = Object.fromEntries(Object.entries(run.regions).map(([name, r]) => [name, r ? bytesToHex(r.bytes.subarray(0, r.size)) : null]));
    const out = stop.kind === 'exit' ? run.finish(stop.r0) : null;
    return { stop, regs: m.regs(), steps: m.stepCount, pc: m.pc, bytes, out, ...kernelState(w.k, w.maps.map((x) => x.fd)) };
  } finally {
    run.dispose();
  }
}

/** An outcome as a string (bigints spelled out), so that a difference shows where it is. */
const same = (o: unknown): string => JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? `${v}n` : v), 1);

describe('compiled == interpreted on random verified programs', () => {
  test(`${PROGRAMS} random programs of every type, ${RUNS} runs each on random packets and maps`, () => {
    const total = WORLDS.reduce((n, x) => n + x.weight, 0);
    const pairs = WORLDS.map((x) => {
      const interp = makeWorld(x.progType, x.privileged);
      const comp = makeWorld(x.progType, x.privileged);
      const stepped = makeWorld(x.progType, x.privileged);
      comp.k.verifier = stepped.k.verifier = undefined; // the same bytes, already verified in `interp`
      return { ...x, interp, comp, stepped };
    });
    let accepted = 0;
    let ran = 0;
    for (let i = 0; i < PROGRAMS; i++) {
      const seed = (0x7e57 + i * 0x9e3779b1) >>> 0;
      let pick = seed % total;
      const x = pairs.find((c) => (pick -= c.weight) < 0)!;
      const prog = generate(seed, { progType: x.progType, privileged: x.privileged, maps: x.interp.maps, mode: 'sound' });
      const attr = { progType: x.progType, insns: prog.bytes, license: 'GPL', kernVersion: LINUX_VERSION_CODE };
      const a = x.interp.k.bpf(Cmd.PROG_LOAD, attr);
      if (!a.ok) continue;
      const b = x.comp.k.bpf(Cmd.PROG_LOAD, attr);
      const c = x.stepped.k.bpf(Cmd.PROG_LOAD, attr);
      expect([b.ok, c.ok]).toEqual([true, true]);
      if (!b.ok || !c.ok) continue;
      accepted++;
      const ra = new Rng(seed ^ 0x5eed);
      const rb = new Rng(seed ^ 0x5eed);
      const rc = new Rng(seed ^ 0x5eed);
      for (let r = 0; r < RUNS; r++) {
        const want = same(outcome(x.interp, a.value, ra, 'interpreter'));
        expect({ seed, run: r, compiled: same(outcome(x.comp, b.value, rb, 'compiled')) }).toEqual({ seed, run: r, compiled: want });
        expect({ seed, run: r, stepped: same(outcome(x.stepped, c.value, rc, 'stepped')) }).toEqual({ seed, run: r, stepped: want });
        ran++;
      }
      x.interp.k.close(a.value);
      x.comp.k.close(b.value);
      x.stepped.k.close(c.value);
    }
    console.log(`jit verified: ${PROGRAMS} programs, ${accepted} accepted by the verifier, ${ran} runs compared`);
    expect(accepted).toBeGreaterThan(PROGRAMS * 0.25);
  });
});
