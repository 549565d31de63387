import { describe, expect, test } from 'vitest';
import { loadCases, parseMem, parseRaw, parseResult } from '../support/conformance';

const CASES = loadCases();

describe('the conformance loader', () => {
  test('reads every file in INDEX.json without problems', () => {
    expect(CASES.length).toBeGreaterThan(500);
    expect(CASES.filter((c) => c.problems.length).map((c) => [c.file, c.problems])).toEqual([]);
  });

  test.each(CASES.map((c) => [c.file, c] as const))('%s agrees with its INDEX record', (_f, c) => {
    expect([...c.sections.keys()].sort()).toEqual([...c.index.sections].sort());
    if (c.raw && !c.asm) expect(c.raw.length / 8).toBe(c.index.insn_slots);
    if (c.raw) expect(c.rawFormat).toBe(c.index.format === 'raw-bytes' ? 'bytes' : 'u64');
    if (c.index.mem_len !== undefined) expect(c.mem?.length).toBe(c.index.mem_len);
    if (c.index.result) expect(c.result).toBe(BigInt(c.index.result));
    if (c.index.error) expect(c.index.error_match === 'regex' ? c.errorPattern : c.error).toBe(c.index.error);
  });

  test('includes come from sibling files', () => {
    const sack = CASES.find((c) => c.file === 'ubpf/tests/tcp-sack/match.data')!;
    expect(sack.asm).toContain('ldxb');
    expect(sack.sections.get('asm')!.from).toMatch(/tcp-sack\.asm$/);
    expect([...sack.mem!.slice(0, 4)]).toEqual([0x00, 0x26, 0x62, 0x2f]);
  });

  test.each([
    [['0x0000003300010115'], '1501010033000000'],
    [['07 00 01 00 01 00 00 00'], '0700010001000000'],
    [['149'], '9500000000000000'],
  ])('raw %j', (lines, hex) => {
    const r = parseRaw(lines);
    expect(typeof r === 'string' ? r : Buffer.from(r.bytes).toString('hex')).toBe(hex);
  });

  test('bad input is a message', () => {
    expect(parseRaw(['0xzz'])).toMatch(/bad raw token/);
    expect(parseMem(['0x0010: 0g'])).toMatch(/bad mem token/);
    expect(parseResult('-1')).toBe(0xffffffffffffffffn);
    expect(parseResult('nope')).toBeUndefined();
  });
});
