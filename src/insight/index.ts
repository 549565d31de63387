/**
 * insight: what the IDE shows about a program beyond its verdict, computed from the verifier's
 * analysis and the program: the paths of the walk, where a value came from, the control-flow
 * graph with the exploration over it.
 */
export { errorVisit } from './trail';
export { provenance, plainText } from './provenance';
export { buildCfg } from './cfg';
export { exploration } from './exploration';
export { searchRun } from './search/search';
