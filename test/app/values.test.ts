import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { formatValue, parseLayout, parseValue, type StructField, type ValueFormat } from '../../app/lib/values';
import { hex64, parseHexBytes, s64, u64 } from '../../app/lib/format';

const b = (...x: number[]): Uint8Array => new Uint8Array(x);

describe('formats', () => {
  test.each<[Uint8Array, ValueFormat, string]>([
    [b(1, 0, 0, 0), 'u32', '1'],
    [b(0xff, 0xff, 0xff, 0xff), 'u32', '4294967295'],
    [b(0xff, 0xff, 0xff, 0xff), 's32', '-1'],
    [b(1, 0, 0, 0, 2, 0, 0, 0), 'u32', '1 2'],
    [b(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 's64', '-2'],
    [b(1, 2, 3), 'u32', '01 02 03'],
    [b(0xab, 0xcd), 'hex', 'ab cd'],
  ])('%o as %s', (bytes, fmt, want) => expect(formatValue(bytes, fmt)).toBe(want));

  test('struct layouts', () => {
    const layout = parseLayout('u32 pkts; u16 port; u8 flags[2]') as StructField[];
    expect(formatValue(b(5, 0, 0, 0, 0x50, 0, 1, 2), 'struct', layout)).toBe('pkts=5 port=80 flags=[1,2]');
    expect(parseLayout('float x')).toMatch(/unknown type/);
    expect(parseLayout('')).toMatch(/no field/);
  });

  test('registers', () => {
    expect(hex64(-1n)).toBe('0xffffffffffffffff');
    expect(u64(-1n)).toBe('18446744073709551615');
    expect(s64(0xffffffffffffffffn)).toBe('-1');
  });

  test('bad input is an error sentence', () => {
    expect(parseValue('1 2', 'u32', 4)).toMatch(/expected 1 number/);
    expect(parseValue('-1', 'u32', 4)).toMatch(/does not fit/);
    expect(parseValue('zz', 'hex', 1)).toMatch(/not hex/);
    expect(parseHexBytes('abc')).toMatch(/odd/);
  });
});

describe('parse(format(bytes)) is the identity', () => {
  const layout = parseLayout('u32 a; s16 b; u8 c[2]; u64 d') as StructField[];
  test.each<ValueFormat>(['hex', 'u32', 'u64', 's32', 's64', 'struct'])('%s', (fmt) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const back = parseValue(formatValue(bytes, fmt, layout), fmt, 16, layout);
        expect(back).toEqual(bytes);
      }),
    );
  });
});

describe('joined verifier types', () => {
  test('"imm1 | ?" is explained: two paths, one without a value, why that matters', async () => {
    const { mergedTypeNote } = await import('../../app/lib/vtypes');
    const n = mergedTypeNote('imm1 | ?');
    expect(n).toContain('2 paths');
    expect(n).toContain('imm1 on one, nothing written (?) on another');
    expect(n).toContain('R!read_ok');
    const three = mergedTypeNote('ctx | imm0 | inv');
    expect(three).toContain('3 paths');
    expect(three).toContain('ctx; imm0; inv');
    expect(three).not.toContain('read_ok');
  });
});
