import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm';
import { slotsToHex } from '../../src/isa';
import { loadCases, type ConformanceCase } from '../support/conformance';

const CASES = loadCases((r) => r.sections.includes('asm'));
const NEGATIVE = CASES.filter((c) => c.index.category === 'negative-assembler');
const POSITIVE = CASES.filter((c) => c.index.category !== 'negative-assembler');
const WITH_RAW = POSITIVE.filter((c) => c.raw);

function assembled(c: ConformanceCase, syntax: 'ubpf' | 'auto') {
  const r = assemble(c.asm ?? '', { syntax });
  if (!r.ok) {
    const lines = (c.asm ?? '').split('\n');
    throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message} «${lines[d.line - 1]}»`).join('\n'));
  }
  return r.program;
}

describe('the conformance corpus', () => {
  test('has the files the assembler tests count on', () => {
    expect(POSITIVE.length).toBeGreaterThan(400);
    expect(NEGATIVE.length).toBe(10);
    expect(WITH_RAW.filter((c) => c.index.expects === 'encoding').length).toBe(6);
  });

  test.each(POSITIVE.map((c) => [c.file, c] as const))('%s assembles', (_f, c) => {
    const ubpf = assembled(c, 'ubpf');
    expect(assembled(c, 'auto').bytes).toEqual(ubpf.bytes);
    if (c.index.insn_slots !== undefined) expect(ubpf.bytes.length / 8).toBe(c.index.insn_slots);
  });

  test.each(WITH_RAW.map((c) => [c.file, c] as const))('%s assembles to its raw section byte for byte', (_f, c) => {
    expect(slotsToHex(assembled(c, 'ubpf').bytes)).toEqual(slotsToHex(c.raw!));
  });

  test.each(NEGATIVE.map((c) => [c.file, c] as const))('%s is refused with the expected message', (_f, c) => {
    const r = assemble(c.asm ?? '', { syntax: 'ubpf' });
    expect(r.ok).toBe(false);
    const messages = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    const want = new RegExp(c.index.assembler_error_expected_regex!, 'i');
    expect(messages.some((m) => want.test(m)), messages.join(' | ')).toBe(true);
  });
});
