/** isa: the UAPI of Linux 4.8's eBPF as data. Imports nothing. */
export * from './opcode';
export * from './regs';
export * from './insn';
export * from './enums';
export * from './helpers';
export * from './structs';
export * from './hex';
export * from './mnemonics';
