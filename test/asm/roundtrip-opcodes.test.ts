/**
 * Exhaustive over opcodes: for every one of the 256 opcode bytes, with register fields, offsets and
 * immediates that single out reserved bits (the X bit of `ja`/`exit`, src_reg 3-15 of `call`,
 * a register above r10), the llvm and ubpf text of the instruction assembles back to exactly its
 * bytes. Random bytes rarely hit these (an odd opcode with every other field zero), so they are
 * enumerated here; anything the printers cannot spell faithfully must come out as `.raw`.
 */
import { describe, expect, test } from 'vitest';
import { assemble, disassemble, type DisasmFormat } from '../../src/asm';
import { slotsToHex } from '../../src/isa';

/** (src, dst, off, imm): every src_reg with the rest zero, then a grid of odd values. */
const FIELDS: [number, number, number, number][] = [];
for (let src = 0; src < 16; src++) for (const imm of [0, 1]) FIELDS.push([src, 0, 0, imm]);
for (const src of [0, 1, 8, 15])
  for (const dst of [1, 10, 11, 15])
    for (const off of [0, 1, -1, 16, 32]) for (const imm of [0, -1, 16, 32, 64]) FIELDS.push([src, dst, off, imm]);

/** One program per opcode: one slot for each combination of fields. */
function slotsFor(code: number): Uint8Array {
  const out: number[] = [];
  for (const [src, dst, off, imm] of FIELDS) {
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    b[0] = code;
    b[1] = (src << 4) | dst;
    v.setInt16(2, off, true);
    v.setInt32(4, imm, true);
    out.push(...b);
  }
  // an ld_imm64 takes the next slot as its second half: end on a lone zero slot, so the
  // last one has its half too
  return Uint8Array.from([...out, 0, 0, 0, 0, 0, 0, 0, 0]);
}

function mismatches(bytes: Uint8Array, format: DisasmFormat): string[] {
  const lines = disassemble(bytes, format);
  const r = assemble(lines.join('\n'), { syntax: format === 'llvm' ? 'llvm' : 'ubpf' });
  if (!r.ok) return r.diagnostics.filter((d) => d.severity === 'error').slice(0, 5).map((d) => `«${lines[d.line - 1]}»: ${d.message}`);
  const want = slotsToHex(bytes);
  const got = slotsToHex(r.program.bytes);
  const bad: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length) && bad.length < 5; i++) {
    if (want[i] !== got[i]) bad.push(`slot ${i}: ${want[i]} came back as ${got[i]}`);
  }
  return bad;
}

describe.each(['llvm', 'ubpf'] as const)('every opcode with odd fields round-trips through %s text', (format) => {
  test('all 256 opcode bytes', () => {
    const failures: string[] = [];
    for (let code = 0; code < 256; code++) {
      const bad = mismatches(slotsFor(code), format);
      if (bad.length) failures.push(`0x${code.toString(16).padStart(2, '0')}: ${bad.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });
});
