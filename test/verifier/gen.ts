/**
 * A seeded generator of random eBPF programs in the 4.8 instruction set, built to reach the
 * verifier's interesting places: pointers of every kind, stack spills and fills, map lookups
 * with and without null checks, packet pointers with range checks, LD_ABS/LD_IND, helpers and
 * forward branches. It tracks roughly what each register holds so that most programs are
 * plausible, and sometimes picks operands at random so that the verifier's refusals get
 * exercised too. Mode 'diff' keeps to what Linux 4.8 and a modern kernel should judge alike
 * (see the differential test); mode 'sound' goes anywhere.
 */
import type { RawInsn } from '../../src/isa';
import * as B from './build';
import { Gen, Rng, type GenOptions, type GenProgram } from './gen-core';
import { body, genExit } from './gen-blocks';

export { Rng } from './gen-core';
export type { GenMap, GenProgram } from './gen-core';

/** A random program for `opts`, reproducible from `seed`. */
export function generate(seed: number, opts: GenOptions): GenProgram {
  const g = new Gen(new Rng(seed), opts);
  if (g.rng.chance(0.7)) {
    g.emit(B.mov64Reg(6, 1));
    g.set(6, { k: 'ctx' });
  }
  body(g, 0);
  genExit(g);
  // layout: slot index of each item, then the jumps' offsets
  const at: number[] = [];
  let pc = 0;
  for (const it of g.items) {
    at.push(pc);
    pc += it.slots.length;
  }
  at.push(pc);
  const slots: RawInsn[] = [];
  const fixups: GenProgram['fixups'] = [];
  g.items.forEach((it, i) => {
    const s = it.slots.map((x) => ({ ...x }));
    if (it.to !== undefined) s[0].off = at[it.to] - at[i] - 1;
    if (it.map) fixups.push({ insn: at[i], map: it.map });
    slots.push(...s);
  });
  return { slots, bytes: B.prog(slots), fixups };
}
