/**
 * The gallery's coverage, computed from the assembled programs (never from what a lesson says
 * about itself): every program type, map type and helper 1-35 of the seed is used by some
 * lesson, and docs/lessons.md lists exactly the generated tables. The counting itself is checked
 * on small programs.
 */
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm';
import { coverageGaps, coverageMarkdown, coverageOf, LESSONS, programUses, REQUIRED_HELPERS } from '../../src/lessons';
import { committedDoc, generatedDoc, lessonPrograms } from './support';

const uses = LESSONS.map((l) => programUses(l.id, lessonPrograms(l)));
const coverage = coverageOf(uses);

describe('coverage of the seed', () => {
  test('no program type, map type or helper 1-35 is missing', () => {
    expect(coverageGaps(coverage)).toEqual([]);
  });

  test('the bonuses are there too: XDP and probe_write_user', () => {
    expect(coverage.progTypes.get(6)).toBeDefined();
    expect(coverage.helpers.get(36)).toBeDefined();
  });

  test('every helper a lesson calls is one of 4.8 (no stray ids)', () => {
    for (const u of uses) for (const h of u.helpers) expect(h, u.id).toBeLessThanOrEqual(36);
    expect(REQUIRED_HELPERS).toHaveLength(35);
  });

  test('docs/lessons.md lists the lessons and the coverage as generated (npx tsx scripts/lessons-coverage.ts --write)', () => {
    expect(committedDoc()).toBe(generatedDoc());
  });
});

describe('counting', () => {
  const prog = (text: string) => {
    const r = assemble(text);
    if (!r.ok) throw new Error(r.diagnostics[0].message);
    return r.program;
  };

  test('takes the program type from .type, map types from .map and helpers from calls', () => {
    const p = prog('.type kprobe\n.map s stack_trace key=4 value=8 entries=1\n.map h percpu_hash key=4 value=8 entries=1\ncall bpf_get_stackid\ncall 5\nr0 = 0\nexit\n');
    expect(programUses('x', [p])).toEqual({ id: 'x', progTypes: [2], mapTypes: [5, 7], helpers: [5, 27] });
  });

  test('counts the programs loaded beside the lesson, and nothing from comments', () => {
    const a = prog('.type sched_cls\n; call bpf_redirect is only mentioned here\nr0 = 0\nexit\n');
    const b = prog('.type sched_cls\ncall bpf_redirect\nexit\n');
    expect(programUses('y', [a]).helpers).toEqual([]);
    expect(programUses('y', [a, b]).helpers).toEqual([23]);
  });

  test('a missing item is a gap, named', () => {
    const c = coverageOf([{ id: 'only', progTypes: [1], mapTypes: [2], helpers: [1] }]);
    const gaps = coverageGaps(c);
    expect(gaps).toContain('no lesson is a kprobe program');
    expect(gaps).toContain('no lesson declares a stack_trace map');
    expect(gaps).toContain('no lesson calls helper 35 (bpf_get_current_task)');
    expect(gaps).toHaveLength(4 + 7 + 34);
    expect(coverageMarkdown([], c)).toContain('| 35 `bpf_get_current_task` |  | **none** |');
  });
});
