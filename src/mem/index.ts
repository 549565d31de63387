/** mem: the address space of a run (regions, checked loads and stores, faults as values) and the undo journal. */
export * from './space';
export * from './journal';
export * from './cow';
