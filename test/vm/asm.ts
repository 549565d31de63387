/**
 * The assembler for the VM's tests, in one place so the tests need no change when src/asm
 * lands: for now there is none and asm-only conformance cases are skipped with that reason.
 */

/** Assembles ubpf-syntax text; undefined while no assembler is available, `{ refused }` on errors. */
export function assembleUbpf(_text: string): Uint8Array | { refused: string } | undefined {
  return undefined;
}
