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
      return !write && off >= 8 && off < 2048;
  }
}

const TYPES = [ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp, ProgType.Kprobe, ProgType.Tracepoint];
const OFFSETS = [...Array.from({ length: 190 }, (_, i) => i - 8), 2032, 2036, 2040, 2044, 2046, 2047, 2048, 2056];

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
