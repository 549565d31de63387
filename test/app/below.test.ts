/** The rows the Context panel shows below a tracepoint's record: the four right below it, and every row the last step touched. */
import { describe, expect, test } from 'vitest';
import { belowWindows } from '../../app/panels/context/below';
import type { ByteMark } from '../../app/ui/HexView';

const marks = (...offs: number[]) => new Map<number, ByteMark>(offs.map((o) => [o, 'read']));

describe('rows below the record', () => {
  test('without reads there: the 64 bytes right below it', () => {
    expect(belowWindows(32768, marks())).toEqual([{ start: -64, end: 0 }]);
    expect(belowWindows(32768, marks(0, 8, 100))).toEqual([{ start: -64, end: 0 }]);
  });
  test('a read far below adds its row; a read next to the window joins it', () => {
    expect(belowWindows(32768, marks(-32768, -32767))).toEqual([{ start: -32768, end: -32752 }, { start: -64, end: 0 }]);
    expect(belowWindows(32768, marks(-2052, -2051, -2050, -2049))).toEqual([{ start: -2064, end: -2048 }, { start: -64, end: 0 }]);
    expect(belowWindows(32768, marks(-80, -72))).toEqual([{ start: -80, end: 0 }]);
  });
  test('never past the memory there is', () => {
    expect(belowWindows(32, marks(-40))).toEqual([{ start: -32, end: 0 }]);
  });
});
