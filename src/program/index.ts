/** program: the assembled program, its source map, declared maps and directives. */
export * from './program';
