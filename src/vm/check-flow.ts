/**
 * Reads of registers that hold no value on some path: a forward data flow over the program's
 * control flow of the set of registers written so far (intersection where paths meet). A
 * register starts unset unless the run sets it (r1 and r10, and r2 in the conformance suites);
 * helper calls, bpf-to-bpf calls and LD_ABS/LD_IND leave r1-r5 unset, as the verifier sees it.
 * A called function starts with its caller's registers but r0. The r0 that exit returns is not
 * checked: such a program still runs (and the conformance suites expect it to).
 */
import { R10, type Insn } from '../isa';
import type { ProgramProblem } from './rules';

const R0 = 1;
const R1_R5 = 0b111110;
const ALL = 0x7ff;

/** The registers an instruction reads, as a mask. */
function reads(insn: Insn): number {
  const d = 1 << insn.dst;
  const s = 1 << insn.src;
  switch (insn.kind) {
    case 'alu':
      return (insn.op === 'mov' || insn.op === 'movsx' ? 0 : d) | (insn.useSrc ? s : 0);
    case 'end':
      return d;
    case 'ld_ind':
      return s;
    case 'ldx':
      return s;
    case 'st':
      return d;
    case 'stx':
      return d | s;
    case 'atomic':
      return d | s | (insn.aop === 'cmpxchg' ? R0 : 0);
    case 'jcond':
      return d | (insn.useSrc ? s : 0);
    case 'callx':
      return d;
    default:
      // exit reads r0 too, but a program that never set it still runs (it returns 0, every
      // register starting at 0 in bpflab); only operands an instruction names are checked
      return 0;
  }
}

/** The registers set after an instruction, given those set before. */
function after(insn: Insn, m: number): number {
  switch (insn.kind) {
    case 'alu':
    case 'end':
    case 'ld_imm64':
    case 'ldx':
      return m | (1 << insn.dst);
    case 'atomic':
      return insn.aop === 'cmpxchg' ? m | R0 : insn.fetch ? m | (1 << insn.src) : m;
    case 'ld_abs':
    case 'ld_ind':
    case 'call':
    case 'callx':
      return (m | R0) & ~R1_R5;
    default:
      return m;
  }
}

function successors(insn: Insn, pc: number): number[] {
  switch (insn.kind) {
    case 'exit':
      return [];
    case 'ja':
      return [pc + 1 + (insn.long ? insn.imm : insn.off)];
    case 'jcond':
      return [pc + 1, pc + 1 + insn.off];
    default:
      return [pc + insn.slots];
  }
}

const names = (mask: number): string =>
  Array.from({ length: 11 }, (_, r) => r)
    .filter((r) => mask & (1 << r))
    .map((r) => `r${r}`)
    .join(', ');

/** Problems for each instruction that may read a register holding no value. */
export function uninitializedReads(insns: (Insn | undefined)[], n: number, initRegs: readonly number[]): ProgramProblem[] {
  const state = new Int32Array(n).fill(-1);
  let init = 1 << R10;
  for (const r of initRegs) init |= 1 << r;
  const work: number[] = [];
  const join = (pc: number, m: number): void => {
    if (pc < 0 || pc >= n) return;
    const merged = state[pc] === -1 ? m : state[pc] & m;
    if (merged !== state[pc]) {
      state[pc] = merged;
      work.push(pc);
    }
  };
  join(0, init);
  while (work.length > 0) {
    const pc = work.pop()!;
    const insn = insns[pc];
    if (insn === undefined) continue;
    const m = state[pc];
    if (insn.kind === 'call' && insn.target === 'local') join(pc + 1 + insn.imm, m & ~R0 & ALL);
    for (const t of successors(insn, pc)) join(t, after(insn, m));
  }
  const problems: ProgramProblem[] = [];
  for (let pc = 0; pc < n; pc++) {
    const insn = insns[pc];
    if (insn === undefined || state[pc] === -1) continue;
    const missing = reads(insn) & ~state[pc];
    if (missing !== 0) {
      problems.push({
        pc,
        message:
          `reads ${names(missing)}, which may hold no value here ` +
          `(a run starts with only ${names(init)} set; calls and LD_ABS/LD_IND leave r1-r5 unset)`,
      });
    }
  }
  return problems;
}
