/**
 * A program pre-decoded for the interpreter: one entry per slot in parallel typed arrays, so the
 * hot loop reads numbers, never objects. The opcode byte is kept as the kernel writes it (the
 * interpreter's switch reads like the instruction table); what the byte alone does not say is
 * normalised into `off` (sdiv/smod: 1, movsx: the source width) or checked here once.
 *
 * Anything that cannot run becomes `OP_BAD` with a reason, and one extra slot past the end holds
 * `OP_FELL_OFF`, so the interpreter never checks bounds. This is a safety net for unchecked
 * programs; `checkProgram` refuses such programs before they run, with better messages.
 */
import { decodeAt, decodeSlots, MAX_BPF_REG, Pseudo, R10, type Insn } from '../isa';

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

const END_WIDTHS = new Set([16, 32, 64]);

/** Why an instruction cannot run, or undefined when it can. `n` is the slot count. */
function unrunnable(insn: Insn, pc: number, n: number, secondHalf: boolean): string | undefined {
  if (secondHalf) return 'execution reached the second half of an ld_imm64 (a jump into its middle)';
  if (insn.kind === 'invalid') return insn.why;
  if (insn.dst >= MAX_BPF_REG) return `there is no register r${insn.dst}`;
  switch (insn.kind) {
    case 'alu':
    case 'end':
    case 'ld_imm64':
    case 'ldx':
      if (insn.dst === R10) return 'r10 (the frame pointer) is read-only';
      break;
    default:
      break;
  }
  const usesSrc =
    (insn.kind === 'alu' && insn.useSrc) ||
    (insn.kind === 'jcond' && insn.useSrc) ||
    insn.kind === 'ldx' ||
    insn.kind === 'stx' ||
    insn.kind === 'atomic' ||
    insn.kind === 'ld_ind';
  if (usesSrc && insn.src >= MAX_BPF_REG) return `there is no register r${insn.src}`;
  switch (insn.kind) {
    case 'end':
      return END_WIDTHS.has(insn.imm) ? undefined : `byte swap of ${insn.imm} bits (16, 32 or 64)`;
    case 'ld_imm64':
      return insn.src === 0 || insn.src === Pseudo.MAP_FD ? undefined : `ld_imm64 with src_reg ${insn.src} is not supported`;
    case 'ld_abs':
    case 'ld_ind':
      return insn.bytes === 8 ? 'LD_ABS and LD_IND load 1, 2 or 4 bytes' : undefined;
    case 'atomic':
      if (insn.bytes < 4) return `atomic operations work on 4 or 8 bytes, not ${insn.bytes}`;
      if (insn.fetch && insn.src === R10) return 'r10 (the frame pointer) is read-only';
      return undefined;
    case 'ja':
    case 'jcond': {
      const t = pc + 1 + (insn.kind === 'ja' && insn.long ? insn.imm : insn.off);
      return t < 0 || t > n ? `jump to ${t}, outside the program (0..${n - 1})` : undefined;
    }
    case 'call':
      if (insn.target === 'kfunc') return 'kernel function calls are not supported';
      if (insn.target === 'local') {
        const t = pc + 1 + insn.imm;
        return t < 0 || t >= n ? `call to ${t}, outside the program (0..${n - 1})` : undefined;
      }
      return undefined;
    default:
      return undefined;
  }
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
    const bad = unrunnable(insn, pc, n, secondHalf);
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
  let insns: Insn[] | undefined;
  return {
    id,
    bytes,
    n,
    op,
    dst,
    src,
    off,
    imm,
    imm2,
    why,
    insns: () => (insns ??= decodeSlots(bytes)),
  };
}
