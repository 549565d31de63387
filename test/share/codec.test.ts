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

describe('version 2: a tail-call set', () => {
  const V2 = {
    ...TYPICAL,
    v: 2 as const,
    progs: [
      { name: 'tcp', source: '.type socket_filter\nr0 = -1\nexit\n' },
      { name: 'udp', source: '.type socket_filter\nr0 = 28\nexit\n' },
    ],
    slots: [
      { map: 'jmp_table', index: 6, prog: 'tcp' },
      { map: 'jmp_table', index: 17, prog: 'udp' },
      { map: 'events', index: 0, perfCpu: 0 },
    ],
  };
  const v2Json = (patch: (s: Record<string, unknown>) => void) => {
    const s = JSON.parse(JSON.stringify(V2));
    patch(s);
    return wrap(JSON.stringify(s)).replace(/^v1\./, 'v2.');
  };

  it('carries the programs and the slots, and comes back the same', () => {
    const frag = encodeShare(V2);
    expect(frag).toMatch(/^v2\./);
    expect(decodeShare(frag, TYPES)).toEqual({ ok: true, session: V2 });
  });

  it("a slot may hold the edited program by its .name (samples/bpf's loader puts the entry's socket/0 in slot 0), no other name", () => {
    const named = { ...V2, source: `.name parse_eth\n${V2.source}`, slots: [...V2.slots, { map: 'jmp_table', index: 0, prog: 'parse_eth' }] };
    expect(decodeShare(encodeShare(named), TYPES)).toEqual({ ok: true, session: named });
    const unnamed = { ...V2, slots: [...V2.slots, { map: 'jmp_table', index: 0, prog: 'parse_eth' }] };
    expect(decodeShare(encodeShare(unnamed), TYPES)).toMatchObject({ ok: false, error: expect.stringMatching(/slots\[3\]\.prog: names no program of progs \(parse_eth\)/) });
  });

  it('a version-1 link still opens, as a session without programs', () => {
    const frag = encodeShare(TYPICAL);
    expect(frag).toMatch(/^v1\./);
    const r = decodeShare(frag, TYPES);
    expect(r.ok && r.session.v).toBe(1);
    expect(r.ok && 'progs' in r.session).toBe(false);
  });

  it.each([
    ['a slot naming no program', (s: Record<string, unknown>) => ((s.slots as { prog?: string }[])[0].prog = 'icmp'), /slots\[0\]\.prog: names no program of progs \(icmp\)/],
    ['a slot with two values', (s: Record<string, unknown>) => ((s.slots as { perfCpu?: number }[])[0].perfCpu = 0), /slots\[0\]: must hold exactly one of prog, perfCpu, cgroup/],
    ['two programs of one name', (s: Record<string, unknown>) => ((s.progs as { name: string }[])[1].name = 'tcp'), /progs\[1\]\.name: repeats the name tcp/],
    ['a program with a control character', (s: Record<string, unknown>) => ((s.progs as { source: string }[])[0].source = 'r0 = 0\u202e'), /progs\[0\]\.source: contains the control character U\+202e/],
    ['a perf slot past the CPUs', (s: Record<string, unknown>) => ((s.slots as { perfCpu?: number }[])[2].perfCpu = 999), /slots\[2\]\.perfCpu: must be from 0 to/],
  ])('refuses %s', (_, patch, error) => {
    const r = decodeShare(v2Json(patch), TYPES);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });

  it('refuses programs in a version-1 session, and a header that disagrees with the session', () => {
    const v1WithProgs = withField((s) => (s.progs = V2.progs));
    expect(decodeShare(v1WithProgs, TYPES)).toMatchObject({ ok: false, error: expect.stringMatching(/unknown field "progs"/) });
    const mismatch = encodeShare(TYPICAL).replace(/^v1\./, 'v2.');
    expect(decodeShare(mismatch, TYPES)).toMatchObject({ ok: false, error: expect.stringMatching(/session\.v: must be 2, as its header says/) });
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
  ['unknown version', () => encodeShare(TYPICAL).replace(/^v1\./, 'v3.'), /format v3; this bpflab reads formats v1 to v2/],
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
