/**
 * The uBPF test helpers (its test_helpers.h) that test/data/conformance assumes, registered for
 * the conformance tests only: 0 gather_bytes, 1 memfrob, 2 no_op, 3 sqrti, 4 strcmp_ext,
 * 5 unwind. uBPF's unwind (helper 5 returning 0 stops the program with r0 = 0) has no kernel
 * counterpart, so it reports a fault named UNWIND that the conformance harness reads as that stop.
 */
import { isMemFault } from '../../src/mem';
import type { Helper } from './host';

export const UNWIND = 'uBPF unwind: helper 5 returned 0';

const byte = (v: bigint): bigint => v & 0xffn;

export const UBPF_HELPERS: Record<number, Helper> = {
  0: (_h, [a, b, c, d, e]) => ({
    kind: 'ret',
    r0: (byte(a) << 32n) | (byte(b) << 24n) | (byte(c) << 16n) | (byte(d) << 8n) | byte(e),
  }),
  1: (h, [ptr, len]) => {
    const bytes = h.mem.read(ptr, Number(len));
    if (isMemFault(bytes)) return { kind: 'fault', fault: bytes };
    const f = h.mem.write(ptr, bytes.map((x) => x ^ 42));
    return f ? { kind: 'fault', fault: f } : { kind: 'ret', r0: 0n };
  },
  2: () => ({ kind: 'ret', r0: 0n }),
  3: (_h, [x]) => {
    let r = BigInt(Math.floor(Math.sqrt(Number(x))));
    while (r * r > x) r--;
    while ((r + 1n) * (r + 1n) <= x) r++;
    return { kind: 'ret', r0: r };
  },
  4: (h, [a, b]) => {
    const sa = h.mem.readCString(a, 4096);
    const sb = h.mem.readCString(b, 4096);
    if (typeof sa !== 'string') return { kind: 'fault', fault: sa };
    if (typeof sb !== 'string') return { kind: 'fault', fault: sb };
    return { kind: 'ret', r0: BigInt.asUintN(64, BigInt(sa < sb ? -1 : sa > sb ? 1 : 0)) };
  },
  5: (_h, [x]) => (x === 0n ? { kind: 'fault', fault: UNWIND } : { kind: 'ret', r0: x }),
};
