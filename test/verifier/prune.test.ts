/**
 * The pruning search through the index (src/verifier/prune.ts `IndexedStates`) answers what
 * 4.8's own loop over every remembered state answers (`ScanStates`, `pruning: 'scan'`): the same
 * verdict, the same log byte for byte (level 2, so every state line too), the same processed
 * count, and the same covering state for every pruned visit (4.8 takes the newest that covers).
 * On the 4.8 suite, on the random programs of every program type, and on programs made to
 * stress the stack index: branches that each skip one stack write (spills of pointers, data
 * of every width, partial overwrites of spills) or change a register, so that many paths meet
 * at each pruning point with stacks and registers that cover each other in every way.
 */
import { describe, expect, test } from 'vitest';
import { LINUX_VERSION_CODE, ProgType } from '../../src/isa';
import type { ProgLoadRequest } from '../../src/kernel/types';
import { verify } from '../../src/verifier';
import * as B from './build';
import { generate, Rng, type GenMap } from './gen';
import { MAP_SPECS } from './soundness';
import { fakeMap, loadSuite, request, suiteRequest } from './support';

const LOG_SIZE = (1 << 24) - 1;

/** Verifies `req` both ways and expects the same answer; returns it. */
function same(req: ProgLoadRequest) {
  const at2 = { ...req, logLevel: 2, logSize: LOG_SIZE };
  const index = verify(at2, { pruning: 'index' });
  const scan = verify(at2, { pruning: 'scan' });
  expect(index.errno).toBe(scan.errno);
  expect(index.log).toBe(scan.log);
  const a = index.analysis!;
  const b = scan.analysis!;
  expect(a.processed).toBe(b.processed);
  expect(a.visits.map((v) => v.prunedBy ?? -1)).toEqual(b.visits.map((v) => v.prunedBy ?? -1));
  expect(a.visits.map((v) => v.remembered === true)).toEqual(b.visits.map((v) => v.remembered === true));
  return { index, pruned: a.visits.filter((v) => v.prunedBy !== undefined).length };
}

describe('the 4.8 suite', () => {
  test.each(loadSuite().map((t) => [t.index, t.name, t] as const))('%i %s', (_i, _name, t) => {
    same(suiteRequest(t, true));
    same(suiteRequest(t, false));
  });
});

const MAPS: GenMap[] = MAP_SPECS.map((m, i) => ({ fd: 20 + i, ...m }));
const fakes = new Map(MAPS.map((m, i) => [m.fd, fakeMap(m.type, m.keySize, m.valueSize, m.maxEntries, 0xffff88003a5c0000n + BigInt(i) * 0x800n, i + 1)]));
const resolveMapFd = (fd: number) => fakes.get(fd) ?? ('EBADF' as const);

describe('random programs of every type', () => {
  const types = [ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp, ProgType.Kprobe, ProgType.Tracepoint];
  test.each(types)('program type %i: 150 programs, privileged and not', (progType) => {
    let pruned = 0;
    for (let i = 0; i < 150; i++) {
      const privileged = i % 3 !== 0;
      const p = generate(0x9e11 + progType * 100_003 + i * 7919, { progType, privileged, maps: MAPS, mode: i % 2 ? 'sound' : 'diff', size: 16 });
      pruned += same(request(p.bytes, { progType, privileged, resolveMapFd, kernVersion: LINUX_VERSION_CODE })).pruned;
    }
    // not vacuous: paths are pruned
    expect(pruned).toBeGreaterThan(0);
  });
});

const R = { ctx: 6, fp: 10, a: 7, b: 8, data: 2, end: 3, t: 4, u: 5, v: 9 } as const;

/** One branch-skipped piece: slots that must all be skipped by the branch before them. */
function piece(rng: Rng, packets: boolean): B.Slots {
  const off = -8 * (1 + rng.int(6));
  switch (rng.int(packets ? 10 : 8)) {
    case 0: // spill a pointer
      return B.stx(8, R.fp, [R.ctx, R.fp, 1][rng.int(3)], off);
    case 1: // data over a whole slot (an unknown or a constant)
      return rng.int(2) ? B.stx(8, R.fp, R.a, off) : B.st(8, R.fp, off, rng.int(3));
    case 2: // narrow data: misc bytes in part of a slot (over a spill too)
      return B.st(([1, 2, 4] as const)[rng.int(3)], R.fp, off + rng.int(4), rng.int(2));
    case 3: // a register becomes a different constant
      return B.mov64Imm([R.t, R.u][rng.int(2)], rng.int(3));
    case 4: // a register becomes unknown
      return B.mov64Reg([R.t, R.u][rng.int(2)], R.a);
    case 5: // a register becomes a pointer
      return B.mov64Reg([R.t, R.u][rng.int(2)], [R.ctx, R.fp][rng.int(2)]);
    case 6: // a stack pointer with an offset
      return [...B.mov64Reg(R.v, R.fp), ...B.alu64Imm(0x00, R.v, off)];
    case 7: // fill a register from a slot that may hold anything (or nothing: then refused)
      return rng.int(4) ? B.ldx(8, R.u, R.fp, off) : B.ldx(4, R.u, R.fp, off);
    case 8: // a packet check: data gets a range on one side
      return [...B.mov64Reg(R.t, R.data), ...B.alu64Imm(0x00, R.t, 1 + rng.int(16)), ...B.jmpReg(0x20, R.t, R.end, 1), ...B.mov64Reg(R.v, R.t)];
    default: // a packet pointer moved or spilled
      return rng.int(2) ? B.stx(8, R.fp, R.data, off) : [...B.mov64Reg(R.v, R.data), ...B.alu64Imm(0x00, R.v, rng.int(8))];
  }
}

/** `n` branches on unknowns, each skipping one piece, then a common exit. */
function stackProgram(seed: number, n: number, packets: boolean): Uint8Array {
  const rng = new Rng(seed);
  const slots: B.Slots = [...B.mov64Reg(R.ctx, 1), ...B.ldx(4, R.a, 1, 0), ...B.ldx(4, R.b, 1, 4)];
  if (packets) slots.push(...B.ldx(4, R.data, 1, 76), ...B.ldx(4, R.end, 1, 80));
  for (let i = 0; i < n; i++) {
    const p = piece(rng, packets);
    slots.push(...B.jmpImm([0x20, 0x30, 0x50, 0x10][rng.int(4)], [R.a, R.b][rng.int(2)], rng.int(8), p.length), ...p);
  }
  slots.push(...B.mov64Imm(0, 0), ...B.exit());
  return B.prog(slots);
}

describe('programs that stress the stack index', () => {
  test('300 socket filters', () => {
    let pruned = 0;
    for (let i = 0; i < 300; i++) pruned += same(request(stackProgram(0x57ac + i, 4 + (i % 6), false))).pruned;
    expect(pruned).toBeGreaterThan(300);
  });
  test('300 tc programs with packet pointers', () => {
    let pruned = 0;
    for (let i = 0; i < 300; i++) pruned += same(request(stackProgram(0x9ac4 + i, 4 + (i % 6), true), { progType: ProgType.SchedCls })).pruned;
    expect(pruned).toBeGreaterThan(300);
  });
  test('a path per combination of 8 spills: 4.8 explores 2^8 paths to the exit', () => {
    const slots: B.Slots = [...B.ldx(4, 6, 1, 0), ...B.ldx(4, 7, 1, 8)];
    for (let i = 0; i < 8; i++) slots.push(...B.jmpImm(0x20, 6, i, 1), ...B.stx(8, 10, 7, -8 * (i + 1)));
    slots.push(...B.mov64Reg(0, 6), ...B.exit());
    const { index } = same(request(B.prog(slots)));
    expect(index.log).toMatch(/\nprocessed \d+ insns\n$/);
  });
});
