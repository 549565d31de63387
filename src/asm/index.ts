/** asm: text ⇄ bytes in the kernel/LLVM and ubpf syntaxes, and the three disassembly formats. */
export { assemble, type AsmOptions } from './assemble';
export type { AsmResult, Diagnostic } from './diagnostic';
export type { Syntax } from './operands';
export { disassemble, formatInsn, type DisasmFormat, type DisasmOptions } from './disasm';
export { kernelInsnText } from './print-kernel';
export { llvmInsnText, type PrintOptions } from './print-llvm';
export { ubpfInsnText } from './print-ubpf';
export { escapeText, isSafeText } from './text';
