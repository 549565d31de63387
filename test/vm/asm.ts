/** The assembler for the VM's tests: ubpf syntax through src/asm. */
import { assemble } from '../../src/asm';

/** Assembles ubpf-syntax text; `{ refused }` with the first error when the assembler refuses it. */
export function assembleUbpf(text: string): Uint8Array | { refused: string } {
  const r = assemble(text, { syntax: 'ubpf' });
  if (r.ok) return r.program.bytes;
  const e = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0];
  return { refused: e ? `line ${e.line}: ${e.message}` : 'refused' };
}
