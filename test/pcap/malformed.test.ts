import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/pcap';

const file = (name: string) => new Uint8Array(readFileSync(`test/fixtures/pcap/${name}`));

/** A fixture with some bytes changed; `set(off, value, size, le)` writes an integer. */
function edit(name: string, patch: (set: (off: number, value: number, size: 2 | 4, le?: boolean) => void, b: Uint8Array) => void) {
  const b = file(name).slice();
  const v = new DataView(b.buffer);
  patch((off, value, size, le = true) => (size === 2 ? v.setUint16(off, value, le) : v.setUint32(off, value, le)), b);
  return b;
}

/** Offsets of the blocks of a little-endian pcapng file. */
function blockOffsets(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset);
  const out: number[] = [];
  for (let off = 0; off < b.length; off += v.getUint32(off + 4, true)) out.push(off);
  return out;
}
// eth-le.pcapng: SHB, NRB, IDB eth0, IDB eth1, EPBs, SPB, ISB
const [, NRB, IDB0] = blockOffsets(file('eth-le.pcapng'));

const HOSTILE: [string, () => Uint8Array, RegExp][] = [
  ['an empty file', () => new Uint8Array(0), /not a packet capture/],
  ['a text file', () => new TextEncoder().encode('GET / HTTP/1.1\r\n'), /not a packet capture/],
  ['a pcap header cut short', () => file('eth-us-le.pcap').slice(0, 20), /shorter than its 24-byte header/],
  ['pcap version 3', () => edit('eth-us-le.pcap', (set) => set(4, 3, 2)), /pcap version 3\.4 is unknown/],
  ['a pcap record of 4 GiB', () => edit('eth-us-le.pcap', (set) => set(24 + 8, 0xffffffff, 4)), /packet 1 \(offset 24\): its captured length 4294967295 exceeds/],
  ['a pcapng byte-order magic that is wrong', () => edit('eth-le.pcapng', (set) => set(8, 0x12345678, 4)), /no valid byte-order magic/],
  ['pcapng version 2', () => edit('eth-le.pcapng', (set) => set(12, 2, 2)), /pcapng version 2/],
  ['a block length not a multiple of 4', () => edit('eth-le.pcapng', (set) => set(NRB + 4, 37, 4)), /length 37, not a multiple of 4/],
  ['a block length under 12', () => edit('eth-le.pcapng', (set) => set(NRB + 4, 8, 4)), /length 8/],
  ['a block of 2 GiB', () => edit('eth-le.pcapng', (set) => set(NRB + 4, 0x80000000, 4)), /2147483648 bytes long, over/],
  ['a block whose trailer disagrees', () => edit('eth-le.pcapng', (set) => set(IDB0 - 4, 40, 4)), /does not end with its length/],
  ['a packet on an undescribed interface', () => edit('eth-le.pcapng', (set, b) => set(firstEpb(b) + 8, 7, 4)), /interface 7 was not described/],
  ['a packet longer than its block', () => edit('eth-le.pcapng', (set, b) => set(firstEpb(b) + 20, 5000, 4)), /5000 captured bytes run past the block/],
  ['a captured length over the limit', () => edit('eth-le.pcapng', (set, b) => set(firstEpb(b) + 20, 0x7fffffff, 4)), /exceeds 262144 bytes/],
  ['an interface option past its block', () => edit('eth-le.pcapng', (set) => set(IDB0 + 16 + 2, 200, 2)), /option \(code 2\) runs past its block/],
  ['a timestamp resolution of 10^-40', () => edit('eth-be-ns.pcapng', (_set, b) => (b[tsresolAt(b)] = 40)), /if_tsresol 10\^-40/],
  ['a packet before any interface', () => edit('eth-le.pcapng', (set) => set(IDB0, 6, 4)), /packet 1 \(the block at offset \d+\): interface 1 was not described/],
  ['pcapng that starts with another block', () => edit('eth-le.pcapng', (set) => set(0, 6, 4)), /not a packet capture/],
];

/** Offset of the first EPB (type 6) in a little-endian pcapng file. */
function firstEpb(b: Uint8Array): number {
  const v = new DataView(b.buffer);
  let off = 0;
  while (v.getUint32(off, true) !== 6) off += v.getUint32(off + 4, true);
  return off;
}

/** Offset of the if_tsresol value in the big-endian fixture's second IDB. */
function tsresolAt(b: Uint8Array): number {
  for (let i = 0; i + 5 < b.length; i++) if (b[i] === 0 && b[i + 1] === 9 && b[i + 2] === 0 && b[i + 3] === 1 && b[i + 4] === 9) return i + 4;
  throw new Error('no if_tsresol option');
}

describe('malformed captures', () => {
  it('fixture blocks are where the hostile edits expect them', () => {
    const b = file('eth-le.pcapng');
    const v = new DataView(b.buffer, b.byteOffset);
    expect(blockOffsets(b).map((o) => v.getUint32(o, true))).toEqual([0x0a0d0d0a, 4, 1, 1, 6, 6, 6, 6, 3, 5]);
  });

  it.each(HOSTILE)('%s gets a clear error', (_name, make, message) => {
    const r = parseCapture(make());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  const fixtures = ['eth-us-le.pcap', 'eth-ns-be.pcap', 'eth-le.pcapng', 'eth-be-ns.pcapng', 'two-sections.pcapng'].map(file);
  it('never throws on random mutations of the fixtures', () => {
    fc.assert(
      fc.property(
        fc.nat(fixtures.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat()),
        (which, edits, cut) => {
          let b = fixtures[which].slice();
          for (const [at, value, big] of edits) {
            if (big) new DataView(b.buffer).setUint32((at % (b.length - 3)) & ~3, value * 0x01010101, true);
            else b[at % b.length] = value;
          }
          if (cut !== null) b = b.slice(0, cut % (b.length + 1));
          const r = parseCapture(b);
          if (r.ok) for (const p of r.capture.packets) expect(p.data.length).toBeLessThanOrEqual(b.length);
          else expect(r.error.length).toBeGreaterThan(10);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
  });
});
