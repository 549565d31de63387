/**
 * checkProgram: what bpflab refuses before running a program that skipped the verifier
 * (`verify: false`, the conformance suites). It refuses only what cannot run at all or has no
 * meaning: unknown opcodes, fields that must be zero, registers that do not exist, writes to
 * r10, jumps outside the program or into an ld_imm64, unknown helpers, functions that run off
 * their end, and reads of registers that hold no value. Unsafe memory accesses and endless
 * loops are not refused here: the run stops on them with a fault or the budget.
 *
 * The rules of single instructions are rules.ts's table, which the interpreter's decoding applies
 * too (the part it needs), with the same words; here are the rules about the program as a whole.
 * The messages are bpflab's own, written for learners; the verifier (src/verifier) has the
 * kernel's. Non-goals: anything the verifier decides about types, bounds or safety.
 */
import { decodeAt, R10, BPF_MAXINSNS, type Insn } from '../isa';
import { uninitializedReads } from './check-flow';
import { insnProblem, type ProgramProblem } from './rules';

interface CheckOptions {
  /** whether helper `id` exists for this run */
  hasHelper(id: number): boolean;
  /** whether `fd` is an open map (ld_imm64 with src_reg 1); without it, no map references are allowed */
  isMapFd?(fd: number): boolean;
  /** registers set when the program starts (default r1 and r10) */
  initRegs?: readonly number[];
  /** most slots allowed (default 4095: Linux 4.8 refuses 4096 and more) */
  maxInsns?: number;
}

/** Problems that stop the program from running; empty when it can run. */
export function checkProgram(bytes: Uint8Array, opts: CheckOptions): ProgramProblem[] {
  const n = bytes.length >> 3;
  const max = opts.maxInsns ?? BPF_MAXINSNS - 1;
  if (bytes.length % 8 !== 0) return [{ message: `the program is ${bytes.length} bytes long: instructions are 8 bytes each` }];
  if (n === 0) return [{ message: 'the program is empty' }];
  if (n > max) return [{ message: `the program has ${n} instructions; at most ${max} are allowed` }];

  const insns: (Insn | undefined)[] = new Array(n);
  const problems: ProgramProblem[] = [];
  for (let pc = 0; pc < n; ) {
    const insn = decodeAt(bytes, pc);
    insns[pc] = insn;
    const why = insnProblem(insn, { pc, n, hasHelper: opts.hasHelper, isMapFd: opts.isMapFd, maps: opts.isMapFd !== undefined }, true);
    if (why !== undefined) problems.push({ pc, message: why });
    pc += insn.kind === 'ld_imm64' ? 2 : 1;
  }
  if (problems.length > 0) return problems;
  problems.push(...structureProblems(insns, n));
  if (problems.length > 0) return problems;
  return uninitializedReads(insns, n, opts.initRegs ?? [1, R10]);
}

/** Jump targets, call targets, and functions that run off their end. */
function structureProblems(insns: (Insn | undefined)[], n: number): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  const starts = new Set<number>([0]);
  // targets are inside the program (rules.ts); here: not into the middle of an ld_imm64
  const target = (pc: number, rel: number, what: string): number | undefined => {
    const t = pc + 1 + rel;
    if (insns[t] !== undefined) return t;
    problems.push({ pc, message: `${what} to instruction ${t}, the second half of the ld_imm64 at ${t - 1}` });
    return undefined;
  };
  for (let pc = 0; pc < n; pc++) {
    const insn = insns[pc];
    if (insn === undefined) continue;
    if (insn.kind === 'ja' || insn.kind === 'jcond') {
      const rel = insn.kind === 'ja' && insn.long ? insn.imm : insn.off;
      if (insn.kind === 'ja' && rel === -1) problems.push({ pc, message: 'this jump goes to itself: an endless loop' });
      else target(pc, rel, 'jump');
    } else if (insn.kind === 'call' && insn.target === 'local') {
      const t = target(pc, insn.imm, 'call');
      if (t !== undefined) starts.add(t);
    }
  }
  if (problems.length > 0) return problems;
  const sorted = [...starts].sort((a, b) => a - b);
  for (let k = 0; k < sorted.length; k++) {
    const end = k + 1 < sorted.length ? sorted[k + 1] : n;
    let last = end - 1;
    if (insns[last] === undefined) last--;
    const insn = insns[last]!;
    if (insn.kind !== 'exit' && insn.kind !== 'ja') {
      const what = sorted.length === 1 ? 'the program' : k === 0 ? 'the main function' : `the function at ${sorted[k]}`;
      problems.push({ pc: last, message: `${what} ends with an instruction that is not exit or ja: execution would run past its end` });
    }
    for (let pc = sorted[k]; pc < end; pc++) {
      const j = insns[pc];
      if (j === undefined || (j.kind !== 'ja' && j.kind !== 'jcond')) continue;
      const t = pc + 1 + (j.kind === 'ja' && j.long ? j.imm : j.off);
      if (t < sorted[k] || t >= end) problems.push({ pc, message: `jump to instruction ${t}, outside its function (${sorted[k]} to ${end - 1})` });
    }
  }
  return problems;
}
