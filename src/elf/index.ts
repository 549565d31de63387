/** elf: clang-compiled BPF objects (ELF64 LE, 4.8-era maps section) into Programs. Imports isa, program, asm. */
export { readBpfObject, describeProgram, type BpfObject, type ObjectProgram } from './object';
export { programSource, type SourceSyntax } from './source';
