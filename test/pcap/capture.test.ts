import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCapture, type Packet } from '../../src/pcap';
import { writePcap, writePcapng, type WrittenPacket } from './writer';

const DIR = 'test/fixtures/pcap';
const EXPECTED: Record<string, { format: string; packets: Record<string, unknown>[]; warnings: number }> = JSON.parse(
  readFileSync(`${DIR}/expected.json`, 'utf8'),
);

const plain = (p: Packet) => ({
  index: p.index,
  timestampNs: p.timestampNs === null ? null : String(p.timestampNs),
  data: Buffer.from(p.data).toString('hex'),
  originalLength: p.originalLength,
  linkType: p.linkType,
});

describe('capture fixtures (written by scripts/build-pcap-fixtures.py)', () => {
  it.each(Object.keys(EXPECTED))('%s reads as written', (name) => {
    const r = parseCapture(new Uint8Array(readFileSync(`${DIR}/${name}`)));
    if (!r.ok) throw new Error(r.error);
    const want = EXPECTED[name];
    expect(r.capture.format).toBe(want.format);
    expect(r.capture.packets.map(plain)).toEqual(want.packets);
    expect(r.capture.warnings.length).toBe(want.warnings);
  });

  it('says where a cut file ends', () => {
    const r = parseCapture(new Uint8Array(readFileSync(`${DIR}/cut-last.pcap`)));
    expect(r.ok && r.capture.warnings).toEqual(['packet 5: the file ends inside its 52 captured bytes; it is dropped']);
  });
});

const written: fc.Arbitrary<WrittenPacket[]> = fc.array(
  fc.record({
    seconds: fc.integer({ min: 0, max: 0xffffffff }),
    ns: fc.integer({ min: 0, max: 999_999_999 }),
    data: fc.uint8Array({ maxLength: 120 }),
    extra: fc.nat(2000),
  }).map(({ seconds, ns, data, extra }) => ({
    timestampNs: BigInt(seconds) * 1_000_000_000n + BigInt(ns),
    data,
    originalLength: data.length + extra,
  })),
  { maxLength: 12 },
);

const truncate = (t: bigint, unitNs: bigint) => (t / unitNs) * unitNs;

describe('round trips through a writer', () => {
  it('pcap in both byte orders and resolutions', () => {
    fc.assert(
      fc.property(written, fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 300 }), (ps, le, nano, linkType) => {
        const r = parseCapture(writePcap(ps, { le, nano, linkType }));
        if (!r.ok) throw new Error(r.error);
        expect(r.capture.packets).toEqual(
          ps.map((p, index) => ({ index, timestampNs: truncate(p.timestampNs, nano ? 1n : 1000n), data: p.data, originalLength: p.originalLength, linkType })),
        );
      }),
    );
  });

  it('pcapng in both byte orders and several timestamp resolutions, in enhanced or obsolete packet blocks', () => {
    fc.assert(
      fc.property(written, fc.boolean(), fc.constantFrom(0, 3, 6, 9), fc.boolean(), (ps, le, tsresol, pb) => {
        const r = parseCapture(writePcapng(ps, { le, tsresol, pb }));
        if (!r.ok) throw new Error(r.error);
        const unit = 10n ** BigInt(9 - tsresol);
        expect(r.capture.packets).toEqual(
          ps.map((p, index) => ({ index, timestampNs: truncate(p.timestampNs, unit), data: p.data, originalLength: p.originalLength, linkType: 1 })),
        );
      }),
    );
  });

  it('pcapng with power-of-2 timestamp resolutions (if_tsresol with its top bit set)', () => {
    fc.assert(
      fc.property(written, fc.boolean(), fc.constantFrom(0, 10, 20, 30), (ps, le, n) => {
        const r = parseCapture(writePcapng(ps, { le, tsresol: n, pow2: true }));
        if (!r.ok) throw new Error(r.error);
        // written as floor(ns * 2^n / 1e9) units of 2^-n s, read back as floor(units * 1e9 / 2^n) ns
        const perSec = 1n << BigInt(n);
        expect(r.capture.packets.map((p) => p.timestampNs)).toEqual(ps.map((p) => (((p.timestampNs * perSec) / 1_000_000_000n) * 1_000_000_000n) / perSec));
        for (const [i, p] of r.capture.packets.entries()) expect(ps[i].timestampNs - p.timestampNs!).toBeLessThan(1_000_000_000n / perSec + 2n);
      }),
    );
  });

  it('simple packet blocks carry no time: their packets have none (not 0, not the epoch)', () => {
    fc.assert(
      // an SPB's captured length is its original length (no snaplen here): packets not cut
      fc.property(written, fc.boolean(), (whole, le) => {
        const ps = whole.map((p) => ({ ...p, originalLength: p.data.length }));
        const r = parseCapture(writePcapng(ps, { le, tsresol: 6, spb: true }));
        if (!r.ok) throw new Error(r.error);
        expect(r.capture.packets.map((p) => p.timestampNs)).toEqual(ps.map(() => null));
        expect(r.capture.packets.map((p) => p.data)).toEqual(ps.map((p) => p.data));
      }),
    );
  });

  it('a timestamp past 64-bit nanoseconds (units of seconds, 2e10 s) reads as no time, with a warning', () => {
    const r = parseCapture(writePcapng([{ timestampNs: 20_000_000_000n * 1_000_000_000n, data: new Uint8Array(14), originalLength: 14 }], { le: true, tsresol: 0 }));
    if (!r.ok) throw new Error(r.error);
    expect(r.capture.packets[0].timestampNs).toBeNull();
    expect(r.capture.warnings).toEqual([expect.stringMatching(/packet 1 .*past what 64-bit nanoseconds hold/)]);
  });
});
