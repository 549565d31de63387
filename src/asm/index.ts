/** asm: text ⇄ bytes in the kernel/LLVM and ubpf syntaxes, and the three disassembly formats. */
export { assemble } from './assemble';
export type { Diagnostic } from './diagnostic';
export { disassemble, type DisasmFormat } from './disasm';
export { kernelInsnText } from './print-kernel';
export { llvmInsnText } from './print-llvm';
export { escapeText, isSafeText } from './text';
