/**
 * Soundness: whenever the verifier accepts a random program, the interpreter runs it on random
 * packets and map contents without a memory fault (10,000 programs here; `npm run fuzz` runs
 * more). Plus the counterexamples found so far, kept as regressions, and the one hole that is
 * Linux 4.8's own and reproduced on purpose.
 */
import { describe, expect, test } from 'vitest';
import { Class, Cmd, LINUX_VERSION_CODE, ProgType, readRaw } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { prepareRun } from '../../src/kernel/run';
import { progLoad, verify } from '../../src/verifier';
import { Machine } from '../../src/vm';
import * as B from './build';
import { checkOne, isLinux48Crash, makeWorld, runProperty } from './soundness';

describe('accepted programs never fault', () => {
  test.each([1, 2, 3, 4])('2,500 random programs, batch %i', (batch) => {
    const r = runProperty(batch * 1_000_003, 2500);
    expect(r.failures).toEqual([]);
    // the property must not be vacuous: a good share of the programs pass the verifier
    expect(r.accepted).toBeGreaterThan(2500 * 0.25);
  });
});

describe('tracepoint programs that read below their record (issue 17)', () => {
  test('600 random tracepoint programs: the accepted ones never fault, and many of them read the context below the record', () => {
    const w = makeWorld(ProgType.Tracepoint, true);
    // whether the program just loaded reads through a context pointer at a negative offset
    let readsBelow = false;
    w.k.verifier = (req) => {
      const v = verify(req, { analysis: true });
      readsBelow =
        v.ok &&
        v.analysis!.visits.some((visit) => {
          const insn = readRaw(req.bytes, visit.pc);
          if ((insn.code & 0x07) !== Class.LDX || insn.off >= 0) return false;
          return visit.state?.regs.find((r) => r.reg === insn.src)?.type === 'PTR_TO_CTX';
        });
      return v;
    };
    const failures: string[] = [];
    let below = 0;
    for (let i = 0; i < 600; i++) {
      readsBelow = false;
      const o = checkOne(w, 0x7bc0 + i * 7919);
      if (o.fault) failures.push(`seed ${0x7bc0 + i * 7919}: ${o.fault}`);
      if (o.accepted && readsBelow) below++;
    }
    expect(failures).toEqual([]);
    expect(below).toBeGreaterThan(50);
  });
});

/** Loads `bytes` in a fresh kernel with this verifier and runs it once on `frame`. */
function loadAndRun(progType: number, bytes: Uint8Array, frame: Uint8Array) {
  const k = new Kernel({ verifier: progLoad });
  const p = k.bpf(Cmd.PROG_LOAD, { progType, insns: bytes, license: 'GPL', kernVersion: LINUX_VERSION_CODE });
  if (!p.ok) return { loaded: false as const, errno: p.errno };
  const prog = k.progOfFd(p.value)!;
  const run = prepareRun(k, prog, { data: frame });
  if (!run.ok) throw new Error(run.message);
  return { loaded: true as const, result: new Machine(run.host, prog, run.init).run() };
}

const frame = Uint8Array.from({ length: 60 }, (_, i) => (i === 12 ? 0x88 : i === 13 ? 0xb5 : i + 1));

describe('regressions', () => {
  test.each([
    ['XDP', ProgType.Xdp, 0, 4],
    ['tc', ProgType.SchedCls, 76, 80],
  ])('%s: data and data_end load full pointers (the VM kept only 32 bits)', (_n, type, data, end) => {
    const bytes = B.prog(
      B.ldx(4, 2, 1, data),
      B.ldx(4, 3, 1, end),
      B.mov64Reg(4, 2),
      B.alu64Imm(B.AluOp.ADD, 4, 40),
      B.mov64Imm(0, 0),
      B.jmpReg(B.JmpOp.JGT, 4, 3, 1),
      B.ldx(1, 0, 2, 39),
      B.exit(),
    );
    const r = loadAndRun(type, bytes, frame);
    expect(r.loaded && r.result).toMatchObject({ kind: 'exit', r0: 40n });
  });
});

describe("Linux 4.8's own holes, reproduced", () => {
  test('a 32-bit division by a register whose low half is zero: accepted, and 4.8 crashes at run time', () => {
    const bytes = B.prog(B.mov64Imm(1, 1), B.alu64Imm(B.AluOp.LSH, 1, 32), B.mov64Imm(0, 7), B.alu32Reg(B.AluOp.DIV, 0, 1), B.exit());
    const r = loadAndRun(ProgType.SocketFilter, bytes, frame);
    expect(r.loaded).toBe(true);
    expect(r.loaded && r.result.kind === 'fault' && isLinux48Crash(r.result.message)).toBe(true);
  });

  test.each([
    [-8, 8],
    [-8, 4],
    [-2052, 4],
    [-32768, 1],
  ] as const)('a tracepoint program reads below its record (FACTS §13), off %i size %i: accepted, and it reads the zeros bpflab maps there', (off, size) => {
    const bytes = B.prog(B.mov64Imm(0, 7), B.ldx(size, 0, 1, off), B.exit());
    const r = loadAndRun(ProgType.Tracepoint, bytes, frame);
    expect(r.loaded).toBe(true);
    expect(r.loaded && r.result).toMatchObject({ kind: 'exit', r0: 0n });
  });

  test('a 32-bit mov of -1 is taken for the 64-bit constant -1 (FACTS §21.1): unverified code runs', () => {
    const bytes = B.prog(
      B.alu32Imm(B.AluOp.MOV, 1, -1),
      B.jmpImm(B.JmpOp.JEQ, 1, -1, 2),
      B.ldx(8, 0, 1, 0), // never verified: r1 is 0xffffffff at run time
      B.exit(),
      B.mov64Imm(0, 0),
      B.exit(),
    );
    const r = loadAndRun(ProgType.SocketFilter, bytes, frame);
    expect(r.loaded).toBe(true);
    expect(r.loaded && r.result.kind).toBe('fault');
  });
});
