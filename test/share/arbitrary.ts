/** fast-check arbitraries for valid shared sessions, and a typical session for size checks. */
import fc from 'fast-check';
import { MapType, ProgType } from '../../src/isa';
import type { SharedInput, SharedMap, SharedSession } from '../../src/protocol/shared';

const FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const hexBytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('hex'));

const line = fc.oneof(
  fc.constantFrom('r0 = 0', 'exit', '.map counts array key=4 value=8 entries=4', 'mov r0, 1', '; <script>alert(1)</script>', ''),
  fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !FORBIDDEN.test(s) && !s.includes('\n')),
  fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !FORBIDDEN.test(s) && !s.includes('\n')),
);

const PERCPU = new Set<number>([MapType.PercpuHash, MapType.PercpuArray]);
const ARRAYS = new Set<number>([MapType.Array, MapType.ProgArray, MapType.PerfEventArray, MapType.PercpuArray, MapType.CgroupArray]);

function keyHex(i: number, keySize: number): string {
  const b = Buffer.alloc(keySize);
  for (let k = 0; k < Math.min(4, keySize); k++) b[k] = (i >> (8 * k)) & 0xff;
  return b.toString('hex');
}

const map = (ncpus: number): fc.Arbitrary<Omit<SharedMap, 'name'>> =>
  fc
    .record({
      type: fc.integer({ min: 0, max: 8 }),
      keySize: fc.integer({ min: 1, max: 16 }),
      valueSize: fc.integer({ min: 1, max: 24 }),
      maxEntries: fc.integer({ min: 0, max: 0xffffffff }),
      flags: fc.constantFrom(0, 1, 0xffffffff),
      count: fc.integer({ min: 0, max: 5 }),
      seed: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ type, keySize, valueSize, maxEntries, flags, count, seed }) => {
      const ks = ARRAYS.has(type) ? 4 : keySize;
      const n = Math.min(count, maxEntries);
      const vlen = PERCPU.has(type) ? Math.ceil(valueSize / 8) * 8 * ncpus : valueSize;
      const entries = Array.from({ length: n }, (_, i) => ({
        key: keyHex(i, ks),
        value: Buffer.alloc(vlen, (seed + i) & 0xff).toString('hex'),
      }));
      return { type, keySize: ks, valueSize, maxEntries, flags, entries };
    });

const SKB: number[] = [ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct];

function inputFor(progType: number): fc.Arbitrary<SharedInput> {
  const repeat = fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined });
  const packet = SKB.includes(progType) || progType === ProgType.Xdp ? fc.option(hexBytes(0, 200), { nil: undefined }) : fc.constant(undefined);
  const ctxMax = SKB.includes(progType) ? 84 : progType === ProgType.Kprobe ? 168 : progType === ProgType.Tracepoint ? 64 : -1;
  const ctx = ctxMax < 0 ? fc.constant(undefined) : fc.option(hexBytes(0, ctxMax), { nil: undefined });
  const tracepoint =
    progType === ProgType.Tracepoint
      ? fc.option(fc.constantFrom('sched:sched_switch', 'syscalls:sys_enter_open', 'net:netif_rx'), { nil: undefined })
      : fc.constant(undefined);
  return fc.record({ packet, ctx, tracepoint, repeat }).map((r) => {
    const out: SharedInput = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    return out;
  });
}

const settings = fc
  .record({
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    ncpus: fc.integer({ min: 1, max: 64 }),
    cpuPick: fc.nat(),
    budget: fc.integer({ min: 1, max: 100_000_000 }),
    semantics: fc.constantFrom('4.8' as const, 'modern' as const),
    verify: fc.boolean(),
  })
  .map(({ cpuPick, ...w }) => ({ ...w, cpu: cpuPick % w.ncpus }));

/** Any valid version-1 session. */
export const sharedSession: fc.Arbitrary<SharedSession> = fc
  .record({
    lines: fc.array(line, { minLength: 1, maxLength: 30 }),
    crlf: fc.boolean(),
    syntax: fc.constantFrom('llvm' as const, 'ubpf' as const),
    progType: fc.integer({ min: 0, max: 6 }),
    load: fc.record(
      {
        logLevel: fc.integer({ min: 0, max: 2 }),
        logSize: fc.integer({ min: 0, max: 0xffffff }),
        privileged: fc.boolean(),
        license: fc.constantFrom('GPL', 'Dual BSD/GPL', 'Proprietary', ''),
        kernVersion: fc.integer({ min: 0, max: 0xffffffff }),
      },
      { requiredKeys: ['logLevel', 'logSize', 'privileged'] },
    ),
    settings,
    bpMask: fc.array(fc.boolean(), { maxLength: 30 }),
    stepPick: fc.nat(),
  })
  .chain((r) =>
    fc
      .tuple(
        inputFor(r.progType),
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/), map(r.settings.ncpus)), {
          maxLength: 4,
          selector: ([name]) => name,
        }),
      )
      .map(([input, maps]): SharedSession => {
        const source = r.lines.join(r.crlf ? '\r\n' : '\n');
        const breakpoints = r.bpMask.slice(0, r.lines.length).flatMap((on, i) => (on ? [i + 1] : []));
        return {
          v: 1,
          source,
          syntax: r.syntax,
          progType: r.progType,
          load: r.load,
          settings: r.settings,
          maps: maps.map(([name, m]) => ({ name, ...m })),
          input,
          breakpoints,
          step: r.stepPick % (r.settings.budget + 1),
        };
      }),
  );

/** A typical session: a socket filter counting packets by protocol, paused mid-run. */
export const TYPICAL: SharedSession = {
  v: 1,
  source: [
    '; count packets by IP protocol',
    '.type socket_filter',
    '.license "GPL"',
    '.map counts array key=4 value=8 entries=256',
    '',
    '    r6 = r1',
    '    r0 = *(u8 *)skb[23]          ; IP protocol',
    '    *(u32 *)(r10 -4) = r0',
    '    r2 = r10',
    '    r2 += -4',
    '    r1 = map[counts] ll',
    '    call bpf_map_lookup_elem',
    '    if r0 == 0 goto out',
    '    r1 = 1',
    '    lock *(u64 *)(r0 +0) += r1',
    'out:',
    '    r0 = 0',
    '    exit',
  ].join('\n'),
  syntax: 'llvm',
  progType: ProgType.SocketFilter,
  load: { logLevel: 1, logSize: 65536, privileged: true },
  maps: [
    {
      name: 'counts',
      type: MapType.Array,
      keySize: 4,
      valueSize: 8,
      maxEntries: 256,
      flags: 0,
      entries: [
        { key: '06000000', value: '0300000000000000' },
        { key: '11000000', value: '0100000000000000' },
      ],
    },
  ],
  settings: { seed: 42, ncpus: 2, cpu: 0, budget: 1_000_000, semantics: '4.8', verify: true },
  input: {
    packet:
      '00000000000000000000000008004500003c1c4640004006b1e6c0a80001c0a800c7' +
      'c7d80050a0b1c2d300000000a002faf0fe300000020405b40402080a0000000000000000',
  },
  breakpoints: [12],
  step: 7,
};
