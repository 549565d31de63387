/**
 * Context access per program type (FACTS.md §13), restated here from the facts and compared
 * with what the verifier does for loads and stores at every offset and size: misaligned first,
 * then the type's rule (`invalid bpf_context access`), and data/data_end giving packet pointers.
 */
import { describe, expect, test } from 'vitest';
import { ProgType } from '../../src/isa';
import { verify } from '../../src/verifier';
import * as B from './build';
import { request } from './support';

type Width = 1 | 2 | 4 | 8;
const inRange = (off: number, lo: number, hi: number) => off >= lo && off <= hi;

/** FACTS §13 as a function: true if allowed (alignment is separate). */
function allowed(type: number, off: number, size: Width, write: boolean): boolean {
  switch (type) {
    case ProgType.SocketFilter:
      if (size !== 4 || !inRange(off, 0, 80) || off === 72 || off === 76 || off === 80) return false;
      return !write || inRange(off, 48, 64);
    case ProgType.SchedCls:
    case ProgType.SchedAct:
      if (size !== 4 || !inRange(off, 0, 80)) return false;
      return !write || [8, 44, 32, 72].includes(off) || inRange(off, 48, 64);
    case ProgType.Xdp:
      return !write && size === 4 && (off === 0 || off === 4);
    case ProgType.Kprobe:
      return !write && off >= 0 && off < 168;
    default:
      // `off < sizeof(void *)` is unsigned in C: negative offsets are not below 8
      return !write && !(off >= 0 && off < 8) && off < 2048;
  }
}

const TYPES = [ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp, ProgType.Kprobe, ProgType.Tracepoint];
const OFFSETS = [-32768, -32767, -2052, -2050, -2048, -16, -12, ...Array.from({ length: 190 }, (_, i) => i - 8), 2032, 2036, 2040, 2044, 2046, 2047, 2048, 2056, 32767];

describe.each(TYPES.map((t) => [t] as const))('program type %i', (type) => {
  test.each([
    ['read', false],
    ['write', true],
  ] as const)('%s at every offset and size', (_k, write) => {
    for (const off of OFFSETS) {
      for (const size of [1, 2, 4, 8] as Width[]) {
        const access = write ? B.stx(size, 1, 0, off) : B.ldx(size, 0, 1, off);
        const bytes = B.prog(B.mov64Imm(0, 0), access, B.mov64Imm(0, 0), B.exit());
        const v = verify(request(bytes, { progType: type, kernVersion: 0x040800 }), { analysis: false });
        const last = v.log.trimEnd().split('\n').pop();
        const want =
          off % size !== 0
            ? `misaligned access off ${off} size ${size}`
            : allowed(type, off, size, write)
              ? 'processed 4 insns'
              : `invalid bpf_context access off=${off} size=${size}`;
        expect(last, `off ${off} size ${size}`).toBe(want);
      }
    }
  });

  test('data and data_end load packet pointers where the context has them', () => {
    const [data, end] = type === ProgType.Xdp ? [0, 4] : [76, 80];
    const bytes = B.prog(B.ldx(4, 2, 1, data), B.ldx(4, 3, 1, end), B.mov64Imm(0, 0), B.jmpImm(B.JmpOp.JEQ, 2, 0, 0), B.exit());
    const v = verify(request(bytes, { progType: type, kernVersion: 0x040800 }), { analysis: false });
    const pkt = [ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp].includes(type as 3);
    if (pkt) expect(v.log).toContain(' R2=pkt(id=0,off=0,r=0) R3=pkt_end ');
    else expect(v.ok).toBe(type === ProgType.Kprobe || type === ProgType.Tracepoint);
  });
});

/**
 * The offsets of issue 17, each with 4.8's whole log: a tracepoint program may read before its
 * record (negative offsets pass 4.8's unsigned `off < sizeof(void *)`), where `off % size` is 0
 * as C computes it; kprobe programs test `off < 0` and stay refused.
 */
describe('negative context offsets: tracepoint accepts, kprobe refuses', () => {
  const SIZE = { 1: ['u8', 0x71], 2: ['u16', 0x69], 4: ['u32', 0x61], 8: ['u64', 0x79] } as const;
  const logOf = (type: number, off: number, size: Width) =>
    verify(request(B.prog(B.ldx(size, 0, 1, off), B.exit()), { progType: type, kernVersion: 0x040800 }), { analysis: false });
  const insn = (off: number, size: Width) => `0: (${SIZE[size][1].toString(16)}) r0 = *(${SIZE[size][0]} *)(r1 ${off < 0 ? off : `+${off}`})`;
  const accepted = (off: number, size: Width) => [insn(off, size), '1: (95) exit', 'processed 2 insns', ''].join('\n');
  const refused = (off: number, size: Width, message: string) => [insn(off, size), message, ''].join('\n');
  const misaligned = (off: number, size: Width) => refused(off, size, `misaligned access off ${off} size ${size}`);
  const invalid = (off: number, size: Width) => refused(off, size, `invalid bpf_context access off=${off} size=${size}`);

  test.each([
    [-8, 4],
    [-4, 4],
    [-2052, 4],
    [-8, 8],
  ] as const)('tracepoint: r0 = *(size *)(r1 %i), %i bytes, is accepted', (off, size) => {
    const v = logOf(ProgType.Tracepoint, off, size);
    expect(v.log).toBe(accepted(off, size));
    expect(v.ok).toBe(true);
  });

  test.each([
    [-2, 4, 'misaligned'],
    [-6, 4, 'misaligned'],
    [-4, 8, 'misaligned'],
    [2048, 4, 'invalid'],
  ] as const)('tracepoint: off %i, %i bytes, is refused (%s)', (off, size, why) => {
    const v = logOf(ProgType.Tracepoint, off, size);
    expect(v.log).toBe(why === 'misaligned' ? misaligned(off, size) : invalid(off, size));
    expect(v.errno).toBe(13);
  });

  test.each([
    [-8, 4, 'invalid'],
    [-4, 4, 'invalid'],
    [-2052, 4, 'invalid'],
    [-8, 8, 'invalid'],
    [-2, 4, 'misaligned'],
    [-6, 4, 'misaligned'],
    [-4, 8, 'misaligned'],
    [2048, 4, 'invalid'],
  ] as const)('kprobe: off %i, %i bytes, is refused (%s)', (off, size, why) => {
    const v = logOf(ProgType.Kprobe, off, size);
    expect(v.log).toBe(why === 'misaligned' ? misaligned(off, size) : invalid(off, size));
    expect(v.errno).toBe(13);
  });

  test('the first 8 bytes of the record stay hidden, and the lowest offset passes', () => {
    expect(logOf(ProgType.Tracepoint, 0, 8).log).toBe(invalid(0, 8));
    expect(logOf(ProgType.Tracepoint, 4, 4).log).toBe(invalid(4, 4));
    expect(logOf(ProgType.Tracepoint, -32768, 8).log).toBe(accepted(-32768, 8));
  });
});
