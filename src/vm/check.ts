/**
 * checkProgram: what bpflab refuses before running a program that skipped the verifier
 * (`verify: false`, the conformance suites). It refuses only what cannot run at all or has no
 * meaning: unknown opcodes, fields that must be zero, registers that do not exist, writes to
 * r10, jumps outside the program or into an ld_imm64, unknown helpers, functions that run off
 * their end, and reads of registers that hold no value. Unsafe memory accesses and endless
 * loops are not refused here: the run stops on them with a fault or the budget.
 *
 * The messages are bpflab's own, written for learners; the verifier (src/verifier) has the
 * kernel's. Non-goals: anything the verifier decides about types, bounds or safety.
 */
import { decodeAt, MAX_BPF_REG, Pseudo, R10, BPF_MAXINSNS, type Insn } from '../isa';
import { uninitializedReads } from './check-flow';

export interface ProgramProblem {
  /** the slot of the instruction at fault; absent for the program as a whole */
  pc?: number;
  message: string;
}

export interface CheckOptions {
  /** whether helper `id` exists for this run */
  hasHelper(id: number): boolean;
  /** whether `fd` is an open map (ld_imm64 with src_reg 1); without it, no map references are allowed */
  isMapFd?(fd: number): boolean;
  /** registers set when the program starts (default r1 and r10) */
  initRegs?: readonly number[];
  /** most slots allowed (default 4095: Linux 4.8 refuses 4096 and more) */
  maxInsns?: number;
}

const ok = undefined;

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
    const why = encodingProblem(insn, opts);
    if (why !== undefined) problems.push({ pc, message: why });
    pc += insn.kind === 'ld_imm64' ? 2 : 1;
  }
  if (problems.length > 0) return problems;
  problems.push(...structureProblems(insns, n));
  if (problems.length > 0) return problems;
  return uninitializedReads(insns, n, opts.initRegs ?? [1, R10]);
}

const must0 = (field: string, value: number): string | undefined =>
  value === 0 ? ok : `this instruction does not use ${field}, which must be 0 (it is ${value})`;

function firstOf(...checks: (string | undefined)[]): string | undefined {
  return checks.find((c) => c !== undefined);
}

/** Checks one instruction on its own: opcode, registers, reserved fields, helper ids. */
function encodingProblem(insn: Insn, opts: CheckOptions): string | undefined {
  if (insn.kind === 'invalid') {
    if (insn.why.includes('second slot')) return 'ld_imm64 takes two slots, but the program ends after its first';
    return `unknown opcode 0x${insn.code.toString(16).padStart(2, '0')} (${insn.why})`;
  }
  if (insn.dst >= MAX_BPF_REG) return `r${insn.dst} is not a register (there are r0 to r10)`;
  const src = (): string | undefined => (insn.src >= MAX_BPF_REG ? `r${insn.src} is not a register (there are r0 to r10)` : ok);
  const dstWritable = (): string | undefined => (insn.dst === R10 ? 'r10, the frame pointer, is read-only' : ok);
  switch (insn.kind) {
    case 'alu':
      if (insn.op === 'neg') {
        return insn.useSrc ? 'neg has no source operand (use the immediate form)' : firstOf(dstWritable(), must0('src', insn.src), must0('off', insn.off), must0('imm', insn.imm));
      }
      return firstOf(
        dstWritable(),
        insn.useSrc ? firstOf(src(), must0('imm', insn.imm)) : must0('src', insn.src),
        insn.op === 'sdiv' || insn.op === 'smod' || insn.op === 'movsx' ? ok : must0('off', insn.off),
      );
    case 'end':
      return firstOf(
        dstWritable(),
        must0('src', insn.src),
        must0('off', insn.off),
        insn.imm === 16 || insn.imm === 32 || insn.imm === 64 ? ok : `a byte swap works on 16, 32 or 64 bits, not ${insn.imm}`,
      );
    case 'ld_imm64':
      return firstOf(dstWritable(), must0('off', insn.off), lddwSource(insn.src, insn.imm, opts), lddwSecondHalf(insn.next));
    case 'ld_abs':
    case 'ld_ind':
      return firstOf(
        must0('dst', insn.dst),
        must0('off', insn.off),
        insn.bytes === 8 ? `${insn.kind === 'ld_abs' ? 'LD_ABS' : 'LD_IND'} loads 1, 2 or 4 bytes, not 8` : ok,
        insn.kind === 'ld_abs' ? must0('src', insn.src) : src(),
      );
    case 'ldx':
      return firstOf(dstWritable(), src(), must0('imm', insn.imm));
    case 'st':
      return must0('src', insn.src);
    case 'stx':
      return firstOf(src(), must0('imm', insn.imm));
    case 'atomic':
      return firstOf(
        src(),
        insn.bytes < 4 ? `atomic operations work on 4 or 8 bytes, not ${insn.bytes}` : ok,
        insn.fetch && insn.aop !== 'cmpxchg' && insn.src === R10 ? 'r10, the frame pointer, is read-only' : ok,
      );
    case 'ja':
      return firstOf(must0('dst', insn.dst), must0('src', insn.src), insn.long ? must0('off', insn.off) : must0('imm', insn.imm));
    case 'jcond':
      return insn.useSrc ? firstOf(src(), must0('imm', insn.imm)) : must0('src', insn.src);
    case 'call':
      if (insn.target === 'kfunc') return 'calls of kernel functions (src_reg 2) are not supported';
      if (insn.target === 'local') return firstOf(must0('dst', insn.dst), must0('off', insn.off));
      return firstOf(
        must0('dst', insn.dst),
        must0('src', insn.src),
        must0('off', insn.off),
        opts.hasHelper(insn.imm) ? ok : `call to helper function ${insn.imm}, which does not exist here`,
      );
    case 'callx':
      return firstOf(must0('src', insn.src), must0('off', insn.off), must0('imm', insn.imm));
    case 'exit':
      return firstOf(must0('dst', insn.dst), must0('src', insn.src), must0('off', insn.off), must0('imm', insn.imm));
  }
}

function lddwSource(src: number, imm: number, opts: CheckOptions): string | undefined {
  if (src === 0) return ok;
  if (src !== Pseudo.MAP_FD) return `ld_imm64 with src_reg ${src} is not supported (Linux 4.8 knows 0, a number, and 1, a map fd)`;
  if (!opts.isMapFd) return `ld_imm64 with src_reg 1 loads a map, by its fd (${imm}), but this run has no maps`;
  return opts.isMapFd(imm) ? ok : `ld_imm64 loads the map with fd ${imm}, but no map has that fd`;
}

function lddwSecondHalf(next: { code: number; dst: number; src: number; off: number }): string | undefined {
  if (next.code === 0 && next.dst === 0 && next.src === 0 && next.off === 0) return ok;
  return 'the second slot of ld_imm64 holds only the upper 32 bits of the value: its other fields must be 0';
}

/** Jump targets, call targets, and functions that run off their end. */
function structureProblems(insns: (Insn | undefined)[], n: number): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  const starts = new Set<number>([0]);
  const target = (pc: number, rel: number, what: string): number | undefined => {
    const t = pc + 1 + rel;
    if (t < 0 || t >= n) problems.push({ pc, message: `${what} to instruction ${t}, outside the program (0 to ${n - 1})` });
    else if (insns[t] === undefined) problems.push({ pc, message: `${what} to instruction ${t}, the second half of the ld_imm64 at ${t - 1}` });
    else return t;
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
