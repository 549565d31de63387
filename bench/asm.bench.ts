/** The assembler and disassembler on a 4000-line program (the editor assembles on every keystroke). */
import { assemble, disassemble } from '../src/asm';

const BODY = [
  'r6 = r1',
  'r0 = *(u8 *)skb[12]',
  '*(u64 *)(r10 -8) = r0',
  'r2 = r10',
  'r2 += -8',
  'r1 = map[counts] ll',
  'call bpf_map_lookup_elem',
  'if r0 == 0x0 goto next_@',
  'lock *(u64 *)(r0 +0) += r6',
  'next_@: w1 = w6',
  'mov r3, 0x7fffffff ; ubpf syntax too',
  'ldxw %r4, [%r6+76]',
  'jne r4, 0, +1',
];

function program(lines: number): string {
  const out = ['.map counts hash key=8 value=8 entries=64', '.type socket_filter', '.license "GPL"'];
  for (let i = 0; out.length < lines - 2; i++) out.push(...BODY.map((l) => l.replace('@', String(i))));
  out.push('r0 = 0', 'exit');
  return out.join('\n');
}

function time(label: string, fn: () => void, runs = 20): void {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  console.log(`${label.padEnd(44)} ${((performance.now() - t0) / runs).toFixed(2).padStart(8)} ms`);
}

export default function bench(): void {
  const text = program(4000);
  const r = assemble(text);
  if (!r.ok) throw new Error(r.diagnostics[0].message);
  console.log(`program: ${text.split('\n').length} lines, ${r.program.bytes.length / 8} slots`);
  time('assemble (auto syntax)', () => assemble(text));
  for (const f of ['kernel', 'llvm', 'ubpf'] as const) time(`disassemble --format ${f}`, () => disassemble(r.program.bytes, f));
}
