/**
 * The forms LLVM 14 cannot assemble (and 4.8's own spellings) checked against the verifier
 * logs of test/data/verifier/tests.json: each instruction line, pasted as it is
 * (`12: (bf) r6 = r1`), assembles to the bytes of the instruction the log printed it from.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { assemble } from '../../src/asm';
import { isCanonical } from '../../src/asm/canonical';
import { decodeRaw, hexToSlots, readRaw, type RawInsn } from '../../src/isa';
import { dataPath } from '../support/data';

interface VerifierTest {
  index: number;
  name: string;
  insns: string[];
  v4_8_reproduced: Record<'priv' | 'unpriv', { log: string }>;
}
const TESTS: VerifierTest[] = JSON.parse(readFileSync(dataPath('verifier/tests.json'), 'utf8')).tests;

/** Every distinct instruction line, with the slot it was printed from and the next slot. */
const LINES = new Map<string, { line: string; raw: RawInsn; next?: RawInsn }>();
for (const t of TESTS) {
  const bytes = hexToSlots(t.insns) as Uint8Array;
  for (const run of ['priv', 'unpriv'] as const) {
    for (const line of t.v4_8_reproduced[run].log.split('\n')) {
      const m = /^(\d+): (.*)$/.exec(line);
      if (!m || m[2] === 'safe') continue;
      const pc = Number(m[1]);
      const next = (pc + 2) * 8 <= bytes.length ? readRaw(bytes, pc + 1) : undefined;
      LINES.set(`${t.index}:${line}`, { line, raw: readRaw(bytes, pc), next });
    }
  }
}

const ODD = /BUG|\(null\)|endian \(u32\) r/;

test('the logs have many distinct instruction lines', () => expect(LINES.size).toBeGreaterThan(500));

test.each([...LINES.values()].map((v) => [v.line, v] as const))('%s', (line, { raw, next }) => {
  const r = assemble(line, { syntax: 'llvm' });
  if (ODD.test(line)) {
    // 4.8 prints odd encodings in forms that have no instruction behind them
    expect(r.ok).toBe(false);
    return;
  }
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  if (raw.code === 0x00 || raw.code === 0x8d) {
    // a stray ld_imm64 second half, and callx, print like instructions of another opcode
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^the pasted line says opcode/)]);
    return;
  }
  expect(r.diagnostics).toEqual([]);
  const got = readRaw(r.program.bytes, 0);
  // the log does not show reserved fields, so an instruction that sets them prints like one that does not
  if (!isCanonical(decodeRaw(raw, next), 15)) return;
  if (raw.code === 0x18) {
    // the log shows only the low 32 bits, and a map's address instead of its fd
    expect([got.code, got.dst]).toEqual([raw.code, raw.dst]);
    if (raw.src === 0) expect(got.imm).toBe(raw.imm);
    if (raw.src === 0 && next?.imm === 0 && next.code === 0) expect(readRaw(r.program.bytes, 1)).toEqual(next);
    return;
  }
  expect(got).toEqual(raw);
});
