/**
 * Graded challenges: the data (at least 15, every level, a check for every goal, lessons that
 * exist), each starter not yet a solution (and each "fix this" starter refused), each reference
 * solution passing every goal, wrong answers failing the goal they get wrong without showing the
 * hidden inputs, and grading through the engine's API.
 */
import { describe, expect, test } from 'vitest';
import { gradeChallenge } from '../../src/challenges';
import { CHECKS } from '../../src/challenges/checks';
import type { HiddenInput } from '../../src/challenges/inputs';
import { CHALLENGES, challengeById, LESSON_LEVELS, lessonById } from '../../src/lessons';
import { Session } from '../../src/session';
import { SOLUTIONS, WRONG } from './solutions';

describe('the challenges as data', () => {
  test('at least 15, unique ids, every level of the gallery', () => {
    expect(CHALLENGES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CHALLENGES.map((c) => c.id)).size).toBe(CHALLENGES.length);
    for (const { level } of LESSON_LEVELS) expect(CHALLENGES.some((c) => c.level === level), level).toBe(true);
  });

  test.each(CHALLENGES.map((c) => [c.id, c] as const))('%s: a check for every goal, lessons that exist, a starter with its type', (_id, c) => {
    expect(Object.keys(CHECKS[c.id]).sort()).toEqual(c.goals.map((g) => g.id).sort());
    expect(c.goals[0].id).toBe('accepted');
    for (const l of c.lessons) expect(lessonById(l), l).toBeDefined();
    expect(c.starter).toContain(`.type ${c.progType}`);
    expect(challengeById(c.id)).toBe(c);
  });
});

describe.each(CHALLENGES.map((c) => [c.id, c] as const))('%s', (id, c) => {
  test('the reference solution passes every goal', () => {
    const r = gradeChallenge(id, SOLUTIONS[id])!;
    expect(r.goals.filter((g) => !g.pass).map((g) => `${g.id}: ${g.detail}`)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  test('the starter is not a solution', () => {
    const r = gradeChallenge(id, c.starter)!;
    expect(r.passed).toBe(false);
    if (id.startsWith('fix-')) expect(r.goals[0]).toMatchObject({ id: 'accepted', pass: false, detail: expect.stringMatching(/^the verifier refused it \(E\w+: .+\)$/) });
    else expect(r.goals[0].pass).toBe(true);
  });
});

/** Every hidden input of a challenge's checks. */
function hiddenInputs(id: string): HiddenInput[] {
  return Object.values(CHECKS[id]).flatMap((c): HiddenInput[] => ('cases' in c ? c.cases.map((x) => x.input) : 'inputs' in c ? c.inputs : 'input' in c ? [c.input] : []));
}

describe('wrong answers fail the goal they get wrong, in words', () => {
  test.each(WRONG.map((w) => [w.id, w.why, w] as const))('%s, %s', (_id, _why, w) => {
    const r = gradeChallenge(w.id, w.text)!;
    const g = r.goals.find((x) => x.id === w.goal)!;
    expect(r.passed).toBe(false);
    expect(g.pass).toBe(false);
    // no hidden input shows through: no 12 hex digits of one of its packets or contexts (runs of
    // zeros and addresses, which a map's contents may hold too, are not telling)
    for (const input of hiddenInputs(w.id)) {
      for (const hex of [input.packet, input.ctx]) {
        for (let i = 0; hex && i + 12 <= hex.length; i += 2) {
          const window = hex.slice(i, i + 12);
          if (new Set(window).size >= 5) expect(g.detail).not.toContain(window);
        }
      }
    }
    expect(r.goals.find((x) => x.id === 'accepted')!.pass).toBe(true);
  });

  test('a retval goal names the input and both values', () => {
    const r = gradeChallenge('ipv4-only', '.type socket_filter\nr0 = 1\nexit\n')!;
    expect(r.goals.find((g) => g.id === 'other')!.detail).toBe('for an IPv6 UDP datagram, r0 was 1, not 0');
  });

  test('a program that does not assemble, or has the wrong type, fails every goal and says why', () => {
    const bad = gradeChallenge('ipv4-only', 'r0 = = 1\n')!;
    expect(bad.goals.every((g) => !g.pass && /does not assemble \(line 1: /.test(g.detail))).toBe(true);
    const kprobe = gradeChallenge('ipv4-only', '.type kprobe\nr0 = 1\nexit\n')!;
    expect(kprobe.goals.every((g) => g.detail === 'this challenge needs a socket_filter program (.type socket_filter)')).toBe(true);
  });

  test('a map the solution dropped', () => {
    const r = gradeChallenge('count-packets', '.type socket_filter\nr0 = -1\nexit\n')!;
    expect(r.goals.find((g) => g.id === 'count')!.detail).toMatch(/no map named counts/);
  });
});

test('grading through the engine API; an unknown challenge is a bad request', async () => {
  const s = new Session();
  const ok = await s.gradeChallenge({ id: 'first-arg', text: SOLUTIONS['first-arg'] });
  expect(ok.ok && ok.value.passed).toBe(true);
  const no = await s.gradeChallenge({ id: 'first-arg', text: '.type kprobe\n.kern_version 0x040800\nr0 = *(u64 *)(r1 +112)\nexit\n' });
  expect(no.ok && no.value.goals.map((g) => g.pass)).toEqual([true, false]);
  const unknown = await s.gradeChallenge({ id: 'nope', text: '' });
  expect(!unknown.ok && unknown.error.code).toBe('bad_request');
  const bad = await s.gradeChallenge({ id: 'first-arg', text: 5 } as never);
  expect(!bad.ok && bad.error.code).toBe('bad_request');
});
