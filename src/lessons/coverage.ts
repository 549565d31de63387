/**
 * What the gallery covers, computed from the assembled programs themselves (never from what a
 * lesson says about itself): program types from `.type`, map types from `.map` declarations,
 * helpers from the `call` instructions. The caller assembles (src/lessons may not import the
 * assembler); this module counts, finds gaps, and renders the tables of docs/lessons.md.
 */
import { HELPERS, MAP_TYPE_NAMES, PROG_TYPE_NAMES } from '../isa';
import type { Program } from '../program';
import type { Lesson } from './types';

/** What one lesson uses: its own program and the ones it loads beside it. */
export interface LessonUse {
  id: string;
  progTypes: number[];
  mapTypes: number[];
  helpers: number[];
}

/** Lesson ids per program type, map type and helper id. */
export interface Coverage {
  progTypes: Map<number, string[]>;
  mapTypes: Map<number, string[]>;
  helpers: Map<number, string[]>;
}

/** The seed's program types (XDP is in 4.8 but not in the seed header: a bonus). */
export const REQUIRED_PROG_TYPES = [1, 2, 3, 4, 5];
/** The seed's map types. */
export const REQUIRED_MAP_TYPES = [1, 2, 3, 4, 5, 6, 7, 8];
/** The seed's helpers (probe_write_user, 36, is in 4.8 but not in the seed: a bonus). */
export const REQUIRED_HELPERS = Array.from({ length: 35 }, (_, i) => i + 1);

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

/** The program types, map types and helpers `programs` use. */
export function programUses(id: string, programs: readonly Program[]): LessonUse {
  const progTypes = new Set<number>();
  const mapTypes = new Set<number>();
  const helpers = new Set<number>();
  for (const p of programs) {
    if (p.directives.progType !== undefined) progTypes.add(p.directives.progType);
    for (const m of p.maps) mapTypes.add(m.type);
    for (const insn of p.insns) if (insn.kind === 'call' && insn.target === 'helper') helpers.add(insn.imm);
  }
  return { id, progTypes: sorted(progTypes), mapTypes: sorted(mapTypes), helpers: sorted(helpers) };
}

/** Inverts the per-lesson uses into lesson lists per item, in gallery order. */
export function coverageOf(uses: readonly LessonUse[]): Coverage {
  const c: Coverage = { progTypes: new Map(), mapTypes: new Map(), helpers: new Map() };
  const add = (m: Map<number, string[]>, k: number, id: string): void => {
    m.set(k, [...(m.get(k) ?? []), id]);
  };
  for (const u of uses) {
    u.progTypes.forEach((t) => add(c.progTypes, t, u.id));
    u.mapTypes.forEach((t) => add(c.mapTypes, t, u.id));
    u.helpers.forEach((h) => add(c.helpers, h, u.id));
  }
  return c;
}

/** What the seed has that no lesson uses, as sentences; empty when the gallery is complete. */
export function coverageGaps(c: Coverage): string[] {
  const gaps: string[] = [];
  for (const t of REQUIRED_PROG_TYPES) if (!c.progTypes.has(t)) gaps.push(`no lesson is a ${PROG_TYPE_NAMES[t]} program`);
  for (const t of REQUIRED_MAP_TYPES) if (!c.mapTypes.has(t)) gaps.push(`no lesson declares a ${MAP_TYPE_NAMES[t]} map`);
  for (const h of REQUIRED_HELPERS) if (!c.helpers.has(h)) gaps.push(`no lesson calls helper ${h} (bpf_${HELPERS[h].name})`);
  return gaps;
}

const links = (ids: readonly string[] | undefined): string => (ids?.length ? ids.map((id) => `[${id}](#${id})`).join(', ') : '**none**');

function table(head: string, rows: [string, string | undefined, readonly string[] | undefined][]): string[] {
  const out = [`| ${head} | note | lessons |`, '|---|---|---|'];
  for (const [name, note, ids] of rows) out.push(`| ${name} | ${note ?? ''} | ${links(ids)} |`);
  return out;
}

/** The generated part of docs/lessons.md: the gallery in order, then the three coverage tables. */
export function coverageMarkdown(lessons: readonly Lesson[], c: Coverage): string {
  const out: string[] = ['## The gallery', ''];
  lessons.forEach((l, i) => {
    const verdict = l.expect.load.accepted ? 'accepted' : `refused: ${l.expect.load.errno}, \`${l.expect.load.lastLine}\``;
    out.push(`${i + 1}. <a id="${l.id}"></a>**${l.title}** (\`${l.id}\`, ${l.progType}, ${verdict}). ${l.summary}`);
  });
  out.push('', '## Program types', '');
  out.push(...table('program type', [1, 2, 3, 4, 5, 6].map((t) => [`\`${PROG_TYPE_NAMES[t]}\``, t === 6 ? 'not in the seed' : undefined, c.progTypes.get(t)])));
  out.push('', '## Map types', '');
  out.push(...table('map type', REQUIRED_MAP_TYPES.map((t) => [`\`${MAP_TYPE_NAMES[t]}\``, undefined, c.mapTypes.get(t)])));
  out.push('', '## Helpers', '');
  out.push(...table('helper', [...REQUIRED_HELPERS, 36].map((h) => [`${h} \`bpf_${HELPERS[h].name}\``, h === 36 ? 'not in the seed' : undefined, c.helpers.get(h)])));
  return `${out.join('\n')}\n`;
}
