/**
 * The verifier never throws, whatever the bytes: arbitrary slots (biased towards real opcodes so
 * that most programs reach the walk) always give a verdict with a positive errno or success, a
 * log that ends with a newline, and an analysis whose visit count matches `processed`.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { writeRaw } from '../../src/isa';
import { verify } from '../../src/verifier';
import { request } from './support';

const CODES = [
  0x07, 0x0f, 0x17, 0x1f, 0x27, 0x37, 0x47, 0x57, 0x67, 0x77, 0x87, 0x97, 0xa7, 0xb7, 0xbf, 0xc7, 0xd7, 0x04, 0x0c, 0x84, 0xb4, 0xbc, 0xd4, 0xdc,
  0x61, 0x69, 0x71, 0x79, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb, 0x18, 0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
  0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0x85, 0x95, 0xa5, 0x16, 0x06, 0xe7, 0x60,
];

const slot = fc.record({
  code: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...CODES) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
  dst: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  src: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  off: fc.oneof(fc.integer({ min: -16, max: 16 }), fc.constantFrom(0, -8, 76, 80, 48), fc.integer({ min: -32768, max: 32767 })),
  imm: fc.oneof(fc.integer({ min: -16, max: 64 }), fc.integer()),
});

test('arbitrary programs get a verdict, never an exception', () => {
  fc.assert(
    fc.property(fc.array(slot, { minLength: 1, maxLength: 40 }), fc.boolean(), fc.constantFrom(1, 3, 6, 2), (slots, privileged, progType) => {
      const bytes = new Uint8Array((slots.length + 1) * 8);
      slots.forEach((s, i) => writeRaw(bytes, i, s));
      writeRaw(bytes, slots.length, { code: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
      const v = verify(request(bytes, { privileged: privileged || progType !== 1, progType, kernVersion: 0x040800 }));
      expect(v.ok ? v.errno === 0 : v.errno > 0).toBe(true);
      expect(v.log === '' || v.log.endsWith('\n')).toBe(true);
      if (v.analysis!.stage === 'walk') expect(v.analysis!.visits.length).toBe(v.analysis!.processed);
    }),
    { numRuns: Number(process.env.BPFLAB_ROBUST_RUNS ?? 3000), seed: Number(process.env.BPFLAB_ROBUST_SEED ?? 48) },
  );
});
