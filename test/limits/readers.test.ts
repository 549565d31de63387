/**
 * The other readers at their limits: a capture of the most packets, the longest share link and
 * the largest session it may inflate to, a request of the most instructions and run bytes, and
 * the longest source a link may carry through the assembler. Each reads in well under a second
 * of CPU (a bound that catches quadratic work by orders of magnitude, not a speed figure: that is
 * `npm run bench`), and one more than the limit is refused, naming it.
 */
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/pcap';
import { CAPTURE_LIMITS } from '../../src/pcap/types';
import { decodeShare, encodeShare, MAX_FRAGMENT_LENGTH, MAX_INFLATED_BYTES } from '../../src/share';
import { SHARED_LIMITS } from '../../src/protocol/shared';
import { parseRequest, MAX_REQUEST_INSNS, MAX_RUN_BYTES } from '../../src/session/request-schema';
import { assemble } from '../../src/asm';
import { progTypeInfos } from '../../src/kernel/progtypes';
import { TYPICAL } from '../share/arbitrary';
import { wrap } from '../support/share-links';
import { cpuMs, WELL_UNDER_A_SECOND } from './cpu';
import { repeatedPcap } from '../pcap/writer';

/** A pcap of `n` packets of `size` zero bytes, the i-th stamped i seconds. */
const pcapOf = (n: number, size: number): Uint8Array => repeatedPcap(new Uint8Array(size), n, (i) => i);

const TYPES = progTypeInfos();

describe('readers at their limits', () => {
  it(`a capture of ${CAPTURE_LIMITS.packets} packets reads well under a second; one more is refused`, () => {
    const r = cpuMs(() => parseCapture(pcapOf(CAPTURE_LIMITS.packets, 14)));
    expect(r.value.ok && r.value.capture.packets.length).toBe(CAPTURE_LIMITS.packets);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    const over = parseCapture(pcapOf(CAPTURE_LIMITS.packets + 1, 0));
    expect(over.ok ? '' : over.error).toBe(`the capture has more than ${CAPTURE_LIMITS.packets} packets`);
  });

  it(`a packet of ${CAPTURE_LIMITS.packetBytes} bytes reads; one byte more is refused`, () => {
    const r = parseCapture(pcapOf(1, CAPTURE_LIMITS.packetBytes));
    expect(r.ok && r.capture.packets[0].data.length).toBe(CAPTURE_LIMITS.packetBytes);
    const over = parseCapture(pcapOf(1, CAPTURE_LIMITS.packetBytes + 1));
    expect(over.ok ? '' : over.error).toMatch(`exceeds ${CAPTURE_LIMITS.packetBytes} bytes`);
  });

  it('the longest source a link carries, and a link of the most characters, decode well under a second', () => {
    // source at SHARED_LIMITS.source characters: varied lines, so it does not compress to nothing
    const lines: string[] = [];
    for (let i = 0, n = 0; n < SHARED_LIMITS.source - 40; i++) {
      const l = `r${i % 10} = ${(i * 7919) % 4096}`;
      lines.push(l);
      n += l.length + 1;
    }
    const source = lines.join('\n').padEnd(SHARED_LIMITS.source, ' ');
    expect(source.length).toBe(SHARED_LIMITS.source);
    const frag = encodeShare({ ...TYPICAL, source });
    expect(frag.length).toBeLessThanOrEqual(MAX_FRAGMENT_LENGTH);
    const r = cpuMs(() => decodeShare(frag, TYPES));
    expect(r.value.ok && r.value.session.source.length).toBe(SHARED_LIMITS.source);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    // a link just inside the characters limit and one just past the inflated-size limit
    const long = cpuMs(() => decodeShare(`v1.${'A'.repeat(MAX_FRAGMENT_LENGTH - 3)}`, TYPES));
    expect(long.value.ok).toBe(false);
    expect(long.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    const bomb = cpuMs(() => decodeShare(wrap(' '.repeat(MAX_INFLATED_BYTES + 1)), TYPES));
    expect(bomb.value.ok ? '' : bomb.value.error).toMatch(`more than ${MAX_INFLATED_BYTES} bytes`);
    expect(bomb.ms).toBeLessThan(WELL_UNDER_A_SECOND);
  });

  it('the assembler reads the longest source a link carries well under a second', () => {
    const lines: string[] = [];
    for (let n = 0, i = 0; n < SHARED_LIMITS.source - 20; i++) {
      const l = i % 3 === 0 ? `l${i}:` : i % 3 === 1 ? `r${i % 10} += ${i}` : `if r1 > ${i} goto l${i - 2}`;
      lines.push(l);
      n += l.length + 1;
    }
    lines.push('exit');
    const r = cpuMs(() => assemble(lines.join('\n'), { syntax: 'llvm' }));
    expect(r.value.ok && r.value.program.insns.length).toBeGreaterThan(10_000);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
  });

  it(`a request of ${MAX_REQUEST_INSNS} instructions and ${MAX_RUN_BYTES} bytes of data parses well under a second`, () => {
    const req = { insns: Array(MAX_REQUEST_INSNS).fill('b700000000000000'), run: { data: 'ab'.repeat(MAX_RUN_BYTES) } };
    const r = cpuMs(() => parseRequest(req));
    expect(typeof r.value === 'string' ? r.value : r.value.insns?.length).toBe(MAX_REQUEST_INSNS * 8);
    expect(r.ms).toBeLessThan(WELL_UNDER_A_SECOND);
    expect(parseRequest({ ...req, insns: [...req.insns, '9500000000000000'] })).toBe(`request.insns: more than ${MAX_REQUEST_INSNS} items`);
  });
});
