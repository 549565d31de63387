import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { decodeShare, encodeShare, MAX_FRAGMENT_LENGTH, MAX_INFLATED_BYTES } from '../../src/share';
import { crc32, fromBase64Url, toBase64Url } from '../../src/share/codec';
import { sharedSession, TYPICAL } from './arbitrary';
import { wrap } from '../support/share-links';
import { progTypeInfos } from '../../src/kernel/progtypes';

const TYPES = progTypeInfos();

const typicalJson = () => JSON.parse(JSON.stringify(TYPICAL));
const withField = (patch: (s: ReturnType<typeof typicalJson>) => void) => {
  const s = typicalJson();
  patch(s);
  return wrap(JSON.stringify(s));
};

describe('share codec', () => {
  it('encode then decode is the identity', () => {
    fc.assert(
      fc.property(sharedSession, (s) => {
        const r = decodeShare(encodeShare(s), TYPES);
        expect(r).toEqual({ ok: true, session: s });
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the fragment with its leading #', () => {
    expect(decodeShare('#' + encodeShare(TYPICAL), TYPES)).toEqual({ ok: true, session: TYPICAL });
  });

  it('keeps a typical program well under 8 KB of URL', () => {
    const frag = encodeShare(TYPICAL);
    const url = `http://127.0.0.1:4173/#${frag}`;
    console.log(`typical session: ${TYPICAL.source.length} chars of source -> URL of ${url.length} chars`);
    expect(url.length).toBeLessThan(8 * 1024);
    expect(frag).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
  });

  it('keeps markup in strings as inert text', () => {
    const s = { ...TYPICAL, source: '; <img src=x onerror=alert(1)>\n; javascript:alert(1)\nexit' };
    const r = decodeShare(encodeShare({ ...s, breakpoints: [] }), TYPES);
    expect(r.ok && r.session.source).toBe(s.source);
  });
});

describe('crc32', () => {
  it('is the CRC-32 of zip and PNG (its check value, and zlib on any bytes)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => {
        expect(crc32(b)).toBe(zlibCrc32(b));
      }),
    );
  });
});

describe('base64url', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const t = toBase64Url(b);
        expect(t).toBe(Buffer.from(b).toString('base64url'));
        expect(fromBase64Url(t)).toEqual(b);
      }),
    );
  });
});

// Each hostile link: what it is, the fragment, and a piece of the message it must get.
const bomb = () => wrap(new Uint8Array(MAX_INFLATED_BYTES * 8).fill(0x20), { dictionary: true });
const HOSTILE: [string, () => string, RegExp][] = [
  ['empty', () => '', /not a bpflab session link/],
  ['another site fragment', () => '#section-2', /not a bpflab session link/],
  ['unknown version', () => encodeShare(TYPICAL).replace(/^v1\./, 'v2.'), /format v2; this bpflab reads format v1/],
  ['truncated', () => encodeShare(TYPICAL).slice(0, 40), /cut short|corrupted/],
  ['truncated to its header', () => 'v1.AAAA', /cut short/],
  ['a character changed', () => flipChar(encodeShare(TYPICAL), 30), /corrupted/],
  ['characters outside base64url', () => encodeShare(TYPICAL).slice(0, 20) + '+/=' + encodeShare(TYPICAL).slice(23), /does not use/],
  ['oversized fragment', () => 'v1.' + 'A'.repeat(MAX_FRAGMENT_LENGTH), /too long/],
  ['decompression bomb', bomb, /inflates to more than/],
  ['wrong checksum', () => wrap(JSON.stringify(TYPICAL), { crc: 1234 }), /checksum/],
  ['not JSON', () => wrap('{"v":1,'), /not valid JSON/],
  ['not UTF-8', () => wrap(new Uint8Array([0x22, 0xff, 0xfe, 0x22])), /not valid JSON/],
  ['JSON but not an object', () => wrap('[1,2,3]'), /session: must be an object/],
  ['inner version unknown', () => withField((s) => (s.v = 2)), /session\.v: must be 1/],
  ['source of the wrong type', () => withField((s) => (s.source = 42)), /source: must be text/],
  ['log_size out of range', () => withField((s) => (s.load.logSize = 2 ** 31)), /load\.logSize: must be from 0 to/],
  ['log_level out of range', () => withField((s) => (s.load.logLevel = 9)), /load\.logLevel/],
  ['unknown program type', () => withField((s) => (s.progType = 99)), /progType: 99 is not a program type/],
  ['negative step', () => withField((s) => (s.step = -1)), /step: must be from 0/],
  ['fractional step', () => withField((s) => (s.step = 1.5)), /step: must be an integer/],
  ['huge step', () => withField((s) => (s.step = 1e15)), /step: must be from 0 to 1000000/],
  ['seed beyond u32', () => withField((s) => (s.settings.seed = 2 ** 32)), /settings\.seed: must be from 0 to/],
  ['cpu past ncpus', () => withField((s) => (s.settings.cpu = 2)), /settings\.cpu: must be from 0 to 1/],
  ['unknown semantics', () => withField((s) => (s.settings.semantics = '5.0')), /settings\.semantics/],
  ['step past the budget', () => withField((s) => (s.settings.budget = 5)), /step: must be from 0 to 5 \(got 7\)/],
  ['script control characters', () => withField((s) => (s.source = 'r0 = 0\u0000<script>')), /U\+0000/],
  ['bidi override (Trojan Source)', () => withField((s) => (s.source = 'r0 = 0 ; \u202e1 = 0r')), /U\+202e/],
  ['markup as a map name', () => withField((s) => (s.maps[0].name = '<script>alert(1)</script>')), /maps\[0\]\.name: must be a name/],
  ['unknown map type', () => withField((s) => (s.maps[0].type = 30)), /maps\[0\]\.type: 30 is not a map type/],
  ['key of the wrong size', () => withField((s) => (s.maps[0].entries[0].key = '06')), /key_size/],
  ['uppercase hex', () => withField((s) => (s.maps[0].entries[0].value = '030000000000000A')), /lowercase hex/],
  ['array index past max_entries', () => withField((s) => (s.maps[0].entries[0].key = 'ff010000')), /past max_entries/],
  ['repeated key', () => withField((s) => s.maps[0].entries.push({ ...s.maps[0].entries[0] })), /repeats an earlier key/],
  ['too many entries', () => withField((s) => (s.maps[0].maxEntries = 1)), /entries: has 2 items, at most 1/],
  ['huge key_size', () => withField((s) => (s.maps[0].keySize = 1e9)), /keySize: must be from 0 to 4096/],
  ['a packet for a kprobe', () => withField((s) => (s.progType = 2)), /input\.packet: a kprobe program takes no packet/],
  ['pt_regs too long', () => withField((s) => {
    s.progType = 2;
    s.input = { ctx: '00'.repeat(169) };
  }), /input\.ctx: holds 169 bytes, at most 168/],
  ['a tracepoint name with markup', () => withField((s) => {
    s.progType = 5;
    s.input = { tracepoint: '"><svg onload=alert(1)>' };
  }), /input\.tracepoint: must be a tracepoint name/],
  ['repeat of zero', () => withField((s) => (s.input.repeat = 0)), /input\.repeat: must be from 1/],
  ['a per-CPU value of the wrong size', () => withField((s) => {
    s.maps[0].type = 6;
    s.maps[0].entries[0].value = '00'.repeat(8);
  }), /must be 16 bytes \(round_up\(value_size, 8\) for each of 2 CPUs\)/],
  ['breakpoint past the source', () => withField((s) => (s.breakpoints = [9999])), /breakpoints\[0\]: must be from 1 to 18/],
  ['unsorted breakpoints', () => withField((s) => (s.breakpoints = [3, 2])), /ascending/],
  ['prototype pollution', () => wrap(JSON.stringify(TYPICAL).replace('{"v":1', '{"__proto__":{"x":1},"v":1')), /unknown field "__proto__"/],
  ['extra field', () => withField((s) => (s.load.extra = true)), /load: unknown field "extra"/],
  ['missing field', () => withField((s) => delete s.step), /missing field "step"/],
];

function flipChar(frag: string, at: number): string {
  const c = frag[at] === 'A' ? 'B' : 'A';
  return frag.slice(0, at) + c + frag.slice(at + 1);
}

describe('hostile share links', () => {
  it.each(HOSTILE)('%s is refused with a clear message', (_name, make, message) => {
    const r = decodeShare(make(), TYPES);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('stops a bomb while inflating: the fragment is small, and most of it is never inflated', () => {
    const frag = bomb();
    expect(frag.length).toBeLessThan(MAX_FRAGMENT_LENGTH);
    const chunks = Math.ceil(((frag.length - 3) * 6) / 8 / 256);
    const push = vi.spyOn(Inflate.prototype, 'push');
    try {
      expect(decodeShare(frag, TYPES).ok).toBe(false);
      // 8 MiB of spaces behind the fragment; inflation stops a little past the 1 MiB cap
      expect(push.mock.calls.length).toBeLessThan(chunks / 4);
    } finally {
      push.mockRestore();
    }
  });

  it('never throws on random fragments or random mutations', () => {
    const good = encodeShare(TYPICAL);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (junk) => {
        expect(decodeShare(junk, TYPES).ok).toBe(false);
        expect(decodeShare('v1.' + junk, TYPES).ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.nat(good.length - 4), fc.constantFrom(...'ABCabc019_-'), (at, c) => {
        const r = decodeShare(good.slice(0, 3 + at) + c + good.slice(4 + at), TYPES);
        if (r.ok) expect(r.session).toEqual(TYPICAL);
      }),
    );
  });
});
