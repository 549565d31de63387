/** protocol: the types that cross the worker boundary, versioned by PROTOCOL_VERSION. */
export * from './api';
export * from './debug';
export * from './maps';
export * from './program';
export * from './result';
export * from './settings';
export * from './io';
export * from './shared';
export * from './insight';
export * from './challenges';
export * from './progtypes';
export * from './limits';
export * from './states';
