/**
 * What an instruction's emitter knows about where it stands: its fields, and the snippets of
 * generated code that continue at another slot, stop the run here, or synchronise the
 * registers with the Cpu. Registers live in locals `lN` (low half) and `hN` (high half) of the
 * chunk function; every value kept in them is a signed 32-bit integer.
 */
export interface Site {
  /** the slot */
  i: number;
  /** the pre-decoded opcode (see vm/code.ts) */
  op: number;
  d: number;
  s: number;
  off: number;
  imm: number;
  /** ld_imm64: the upper half */
  imm2: number;
  /** why the instruction cannot run (OP_BAD) */
  why: string | undefined;
  modern: boolean;
  /** the instructions executed so far once this one has run, as a JS expression */
  count: string;
  /** leaves the chunk with the run stopped at this instruction (cpu.stop already set) */
  stop: string;
  /** stores the registers the chunk may have changed into the Cpu's arrays */
  sync: string;
  /** code that continues at slot `t` */
  goto(t: number): string;
}

/** A numeric literal that is safe anywhere in an expression. */
export const lit = (n: number): string => (n < 0 || Object.is(n, -0) ? `(${n})` : String(n));
/** An int32 as the unsigned literal `>>> 0` would give. */
export const ulit = (n: number): string => String(n >>> 0);

export const lo = (r: number): string => `l${r}`;
export const hi = (r: number): string => `h${r}`;
