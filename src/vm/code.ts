/**
 * A program pre-decoded for the interpreter: one entry per slot in parallel typed arrays, so the
 * hot loop reads numbers, never objects. The opcode byte is kept as the kernel writes it (the
 * interpreter's switch reads like the instruction table); what the byte alone does not say is
 * normalised into `off` (sdiv/smod: 1, movsx: the source width) or checked here once.
 *
 * Anything that cannot run becomes `OP_BAD` with the reason of the rule it breaks (rules.ts, the
 * table checkProgram applies too), and one extra slot past the end holds `OP_FELL_OFF`, so the
 * interpreter never checks bounds. This is a safety net: `checkProgram` refuses such programs
 * before they run, and the verifier before it loads them.
 */
import { decodeAt, decodeSlots, type Insn } from '../isa';
import { SECOND_HALF_REACHED, insnProblem } from './rules';

/** An instruction that cannot run; `why[pc]` says why. */
export const OP_BAD = 0x100;
/** One past the last slot: execution fell off the end of the program. */
export const OP_FELL_OFF = 0x101;
/**
 * Put in place of a breakpoint's opcode while the Machine runs to a breakpoint (and put back
 * after): the interpreter stops before it without counting it, at no cost to other instructions.
 */
export const OP_BREAK = 0x102;

export interface Code {
  /** the program id (changes after a tail call) */
  readonly id: number;
  readonly bytes: Uint8Array;
  /** number of slots */
  readonly n: number;
  readonly op: Uint16Array;
  /**
   * The interpreter's view of a slot in one load: the opcode (9 bits), dst << 9, src << 13.
   * Patch an opcode with setOp, which keeps it equal to `op`.
   */
  readonly word: Int32Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly off: Int32Array;
  readonly imm: Int32Array;
  /** ld_imm64: the upper half, at the first slot's index */
  readonly imm2: Int32Array;
  readonly why: Map<number, string>;
  /** each slot decoded on its own (for step events), built on first use */
  insns(): readonly Insn[];
}

/** Puts opcode `o` at `pc` (a breakpoint's OP_BREAK, or the opcode back). */
export function setOp(code: Code, pc: number, o: number): void {
  code.op[pc] = o;
  code.word[pc] = (code.word[pc] & ~511) | o;
}

/** Pre-decodes a program's bytes. */
export function decodeCode(id: number, bytes: Uint8Array): Code {
  const n = bytes.length >> 3;
  const op = new Uint16Array(n + 1);
  const dst = new Uint8Array(n + 1);
  const src = new Uint8Array(n + 1);
  const off = new Int32Array(n + 1);
  const imm = new Int32Array(n + 1);
  const imm2 = new Int32Array(n + 1);
  const why = new Map<number, string>();
  let secondHalf = false;
  for (let pc = 0; pc < n; pc++) {
    const insn = decodeAt(bytes, pc);
    const bad = secondHalf ? SECOND_HALF_REACHED : insnProblem(insn, { pc, n }, false);
    secondHalf = insn.kind === 'ld_imm64' && !secondHalf;
    dst[pc] = insn.dst;
    src[pc] = insn.src;
    off[pc] = insn.off;
    imm[pc] = insn.imm;
    if (bad !== undefined) {
      op[pc] = OP_BAD;
      why.set(pc, bad);
      continue;
    }
    op[pc] = insn.code;
    if (insn.kind === 'alu') off[pc] = insn.op === 'sdiv' || insn.op === 'smod' ? 1 : (insn.extendBits ?? 0);
    if (insn.kind === 'ld_imm64') imm2[pc] = insn.next.imm;
  }
  op[n] = OP_FELL_OFF;
  why.set(n, 'execution fell off the end of the program');
  const word = new Int32Array(n + 1);
  for (let pc = 0; pc <= n; pc++) word[pc] = op[pc] | (dst[pc] << 9) | (src[pc] << 13);
  let insns: Insn[] | undefined;
  return {
    id,
    bytes,
    n,
    op,
    word,
    dst,
    src,
    off,
    imm,
    imm2,
    why,
    insns: () => (insns ??= decodeSlots(bytes)),
  };
}
