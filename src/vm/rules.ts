/**
 * The rules one instruction must meet to run without the verifier, in one table with one
 * wording (written for learners; the verifier has the kernel's). Each rule is either one the
 * interpreter needs (`run`: a register that exists, a writable destination, a byte-swap width, a
 * jump that stays in the program...) or one that only gives the instruction its meaning
 * (`meaning`: fields that must be zero, a helper or map that exists here).
 *
 *   decodeCode (code.ts)    applies the `run` rules: an instruction breaking one becomes OP_BAD,
 *                           and the run faults there with the rule's message
 *   checkProgram (check.ts) applies them all before an unverified program runs, and adds the
 *                           rules about the program as a whole (functions, ld_imm64 halves, values)
 */
import { MAX_BPF_REG, Pseudo, R10, type Insn } from '../isa';

/** A rule an unverified program breaks, with the instruction that breaks it. */
export interface ProgramProblem {
  /** the slot of the instruction at fault; absent for the program as a whole */
  pc?: number;
  message: string;
}

/** What a rule may need besides the instruction. */
interface RuleContext {
  /** the instruction's slot and the program's slot count */
  pc: number;
  n: number;
  /** whether helper `id` exists for this run (meaning rules only; absent: not asked) */
  hasHelper?(id: number): boolean;
  /** whether `fd` is an open map; absent while `maps` is true: not asked */
  isMapFd?(fd: number): boolean;
  /** the run may refer to maps at all (checkProgram: whether it was given isMapFd) */
  maps?: boolean;
}

/** Whether a rule is one the interpreter needs or one that gives the instruction its meaning. */
type Level = 'run' | 'meaning';
type Rule = readonly [Level, string | undefined];

const run = (problem: string | undefined): Rule => ['run', problem];
const meaning = (problem: string | undefined): Rule => ['meaning', problem];

const notRegister = (r: number): string | undefined => (r >= MAX_BPF_REG ? `r${r} is not a register (there are r0 to r10)` : undefined);
const zero = (field: string, value: number): Rule => meaning(value === 0 ? undefined : `this instruction does not use ${field}, which must be 0 (it is ${value})`);
const R10_READ_ONLY = 'r10, the frame pointer, is read-only';

/** A jump or call `rel` slots past the next instruction, which must land inside the program. */
function target(c: RuleContext, rel: number, what: 'jump' | 'call'): Rule {
  const t = c.pc + 1 + rel;
  return run(t < 0 || t >= c.n ? `${what} to instruction ${t}, outside the program (0 to ${c.n - 1})` : undefined);
}

function lddwSource(insn: Extract<Insn, { kind: 'ld_imm64' }>, c: RuleContext): Rule[] {
  if (insn.src === 0) return [];
  if (insn.src !== Pseudo.MAP_FD) return [run(`ld_imm64 with src_reg ${insn.src} is not supported (Linux 4.8 knows 0, a number, and 1, a map fd)`)];
  if (c.maps === false) return [meaning(`ld_imm64 with src_reg 1 loads a map, by its fd (${insn.imm}), but this run has no maps`)];
  return [meaning(c.isMapFd && !c.isMapFd(insn.imm) ? `ld_imm64 loads the map with fd ${insn.imm}, but no map has that fd` : undefined)];
}

function lddwSecondHalf(next: { code: number; dst: number; src: number; off: number }): Rule {
  const clean = next.code === 0 && next.dst === 0 && next.src === 0 && next.off === 0;
  return meaning(clean ? undefined : 'the second slot of ld_imm64 holds only the upper 32 bits of the value: its other fields must be 0');
}

/** The rules of one instruction, in the order they are reported. */
function rulesOf(insn: Insn, c: RuleContext): Rule[] {
  if (insn.kind === 'invalid') {
    if (insn.why.includes('second slot')) return [run('ld_imm64 takes two slots, but the program ends after its first')];
    return [run(`unknown opcode 0x${insn.code.toString(16).padStart(2, '0')} (${insn.why})`)];
  }
  const dst = run(notRegister(insn.dst));
  const src = run(notRegister(insn.src));
  const dstWritable = run(insn.dst === R10 ? R10_READ_ONLY : undefined);
  switch (insn.kind) {
    case 'alu':
      if (insn.op === 'neg') {
        if (insn.useSrc) return [dst, meaning('neg has no source operand (use the immediate form)')];
        return [dst, dstWritable, zero('src', insn.src), zero('off', insn.off), zero('imm', insn.imm)];
      }
      return [
        dst,
        dstWritable,
        ...(insn.useSrc ? [src, zero('imm', insn.imm)] : [zero('src', insn.src)]),
        insn.op === 'sdiv' || insn.op === 'smod' || insn.op === 'movsx' ? meaning(undefined) : zero('off', insn.off),
      ];
    case 'end':
      return [dst, dstWritable, zero('src', insn.src), zero('off', insn.off), run(insn.imm === 16 || insn.imm === 32 || insn.imm === 64 ? undefined : `a byte swap works on 16, 32 or 64 bits, not ${insn.imm}`)];
    case 'ld_imm64':
      return [dst, dstWritable, zero('off', insn.off), ...lddwSource(insn, c), lddwSecondHalf(insn.next)];
    case 'ld_abs':
    case 'ld_ind':
      return [
        dst,
        zero('dst', insn.dst),
        zero('off', insn.off),
        run(insn.bytes === 8 ? `${insn.kind === 'ld_abs' ? 'LD_ABS' : 'LD_IND'} loads 1, 2 or 4 bytes, not 8` : undefined),
        insn.kind === 'ld_abs' ? zero('src', insn.src) : src,
      ];
    case 'ldx':
      return [dst, dstWritable, src, zero('imm', insn.imm)];
    case 'st':
      return [dst, zero('src', insn.src)];
    case 'stx':
      return [dst, src, zero('imm', insn.imm)];
    case 'atomic':
      return [
        dst,
        src,
        run(insn.bytes < 4 ? `atomic operations work on 4 or 8 bytes, not ${insn.bytes}` : undefined),
        // a fetching operation writes its source register (cmpxchg writes r0)
        run(insn.fetch && insn.aop !== 'cmpxchg' && insn.src === R10 ? R10_READ_ONLY : undefined),
      ];
    case 'ja':
      return [dst, zero('dst', insn.dst), zero('src', insn.src), insn.long ? zero('off', insn.off) : zero('imm', insn.imm), target(c, insn.long ? insn.imm : insn.off, 'jump')];
    case 'jcond':
      return [dst, ...(insn.useSrc ? [src, zero('imm', insn.imm)] : [zero('src', insn.src)]), target(c, insn.off, 'jump')];
    case 'call':
      if (insn.target === 'kfunc') return [dst, run('calls of kernel functions (src_reg 2) are not supported')];
      if (insn.target === 'local') return [dst, zero('dst', insn.dst), zero('off', insn.off), target(c, insn.imm, 'call')];
      return [
        dst,
        zero('dst', insn.dst),
        zero('src', insn.src),
        zero('off', insn.off),
        meaning(c.hasHelper && !c.hasHelper(insn.imm) ? `call to helper function ${insn.imm}, which does not exist here` : undefined),
      ];
    case 'callx':
      return [dst, zero('src', insn.src), zero('off', insn.off), zero('imm', insn.imm)];
    case 'exit':
      return [dst, zero('dst', insn.dst), zero('src', insn.src), zero('off', insn.off), zero('imm', insn.imm)];
  }
}

/**
 * The first rule `insn` breaks, or undefined: every rule (`all`, checkProgram), or only those the
 * interpreter needs (decodeCode).
 */
export function insnProblem(insn: Insn, c: RuleContext, all: boolean): string | undefined {
  for (const [level, problem] of rulesOf(insn, c)) {
    if (problem !== undefined && (all || level === 'run')) return problem;
  }
  return undefined;
}

/** The interpreter reached the second slot of an ld_imm64: something jumped into its middle. */
export const SECOND_HALF_REACHED = 'execution reached the second half of an ld_imm64 (a jump into its middle)';
