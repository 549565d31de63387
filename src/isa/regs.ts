/** Registers: R0 return value, R1-R5 arguments (clobbered by calls), R6-R9 callee-saved, R10 frame pointer. */

export const MAX_BPF_REG = 11;
export const R6 = 6;
/** The read-only frame pointer. */
export const R10 = 10;
/** 4.8's stack: 512 bytes below R10. */
export const MAX_BPF_STACK = 512;
/** Programs may have at most 4095 instructions (4.8 refuses insn_cnt >= 4096). */
export const BPF_MAXINSNS = 4096;
