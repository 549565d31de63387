/**
 * Random valid share links for the property tests over opening links (Node: links-property.test.ts,
 * the browser's worker: test/browser/links-property.test.ts). Seeded, so every run opens the same
 * links: programs that loop for ever or for long (with Verify off), print in a loop, write the
 * stack or a map at every step, or end at once; budgets up to the ceiling, steps far past them,
 * repeats, maps carried by the link; and some sessions from the codec's own arbitrary (random
 * text that mostly does not assemble) with the same large budgets and steps.
 */
import fc from 'fast-check';
import { LIMITS, type SharedSession } from '../../src/protocol';
import { sharedSession } from '../share/arbitrary';
import { Rng } from '../verifier/gen-core';

/** A seeded generator of numbers in [0, 1) (gen-core's mulberry32). */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next() / 4294967296;
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Program kinds: [name, program type, text, needs Verify off]. */
const PROGRAMS: ((r: Rand) => { kind: string; progType: number; source: string; loops: boolean })[] = [
  (r) => ({ kind: 'counted loop', progType: 1, loops: true, source: `r1 = ${int(r, 1, 0x7fffffff)}\nloop:\nr1 -= 1\nif r1 != 0 goto loop\nr0 = 0\nexit\n` }),
  () => ({ kind: 'endless loop', progType: 1, loops: true, source: 'r0 = 0\nloop:\nr0 += 1\ngoto loop\n' }),
  () => ({ kind: 'stack writes', progType: 1, loops: true, source: 'r1 = 0\nloop:\nr1 += 1\n*(u64 *)(r10 -8) = r1\n*(u64 *)(r10 -16) = r1\ngoto loop\n' }),
  () => ({
    kind: 'printing loop',
    progType: 2,
    loops: true,
    source: 'r1 = 0x0a6968\n*(u32 *)(r10 -4) = r1\nloop:\nr1 = r10\nr1 += -4\nr2 = 4\ncall bpf_trace_printk\ngoto loop\n',
  }),
  () => ({
    kind: 'map writes',
    progType: 1,
    loops: true,
    source: `.map h hash key=4 value=8 entries=4096\nr6 = 0\nloop:\nr6 += 1\nr6 &= 4095\n*(u32 *)(r10 -4) = r6\n*(u64 *)(r10 -16) = r6\nr1 = map[h] ll\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -16\nr4 = 0\ncall bpf_map_update_elem\ngoto loop\n`,
  }),
  (r) => ({ kind: 'straight', progType: 1, loops: false, source: `r0 = ${int(r, 0, 1000)}\nr1 = r0\nr1 *= 3\nexit\n` }),
];

const BUDGETS = (r: Rand): number =>
  pick(r, [1, 1000, LIMITS.steps.default, LIMITS.steps.default + 1, int(r, 1, LIMITS.steps.ceiling), LIMITS.steps.ceiling]);

/** `n` random valid links (SharedSession values) from `seed`, with what each program is. */
export function randomLinks(seed: number, n: number): { kind: string; session: SharedSession }[] {
  const r = rng(seed);
  const codecSessions = fc.sample(sharedSession, { seed, numRuns: Math.ceil(n / 8) });
  const out: { kind: string; session: SharedSession }[] = [];
  for (let i = 0; i < n; i++) {
    const budget = BUDGETS(r);
    // a link's step is at most its budget (the codec's rule): far steps come with large budgets
    const step = Math.min(budget, pick(r, [0, int(r, 0, 100_000), int(r, 0, budget), budget]));
    if (i % 8 === 7) {
      const s = codecSessions[(i - 7) / 8];
      out.push({ kind: 'codec arbitrary', session: { ...s, settings: { ...s.settings, budget }, step } });
      continue;
    }
    const p = pick(r, PROGRAMS)(r);
    const ncpus = int(r, 1, 8);
    const repeat = r() < 0.3 ? int(r, 1, 1000) : undefined;
    const maps =
      p.kind === 'map writes' && r() < 0.7
        ? [{ name: 'h', type: 1, keySize: 4, valueSize: 8, maxEntries: 4096, flags: 0, entries: [{ key: '01000000', value: '2a00000000000000' }] }]
        : [];
    out.push({
      kind: p.kind,
      session: {
        v: 1,
        source: p.source,
        syntax: 'llvm',
        progType: p.progType,
        load: { logLevel: int(r, 0, 2), logSize: 65536, privileged: true },
        settings: { seed: int(r, 0, 0xffff), ncpus, cpu: int(r, 0, ncpus - 1), budget, semantics: r() < 0.5 ? '4.8' : 'modern', verify: !p.loops || r() < 0.1 },
        maps,
        input: { ...(p.progType === 1 ? { packet: '00'.repeat(int(r, 14, 200)) } : {}), ...(repeat ? { repeat } : {}) },
        breakpoints: r() < 0.2 ? [int(r, 1, 4)] : [],
        step,
      },
    });
  }
  return out;
}
