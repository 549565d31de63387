/** asm: text ⇄ bytes in the kernel/LLVM and ubpf syntaxes, and the three disassembly formats. */
export { kernelInsnText } from './print-kernel';
