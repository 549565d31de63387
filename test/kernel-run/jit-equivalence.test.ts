/**
 * Compiled == interpreted through the whole request runner (`bpflab run --json`): the programs of
 * the kernel differential tests (the generated socket filters and the helper cases) and every
 * lesson are answered once with the interpreter and once with the compiler, each run once and
 * repeated, and the answers must be identical (load, retval, r0, verdict, data_out, steps, trace
 * lines, perf samples, redirect, faults, every map's contents) but for the measured duration.
 * No host kernel needed: this runs everywhere.
 */
import { describe, expect, test } from 'vitest';
import { LESSONS, lessonRequest } from '../../src/lessons';
import { answerValue, type Answer } from '../../src/session/request';
import type { Engine } from '../../src/vm';
import { helperCases, smpCase } from './diffcases';
import { generate } from './gen';

/** The answer without what differs from run to run (the measured duration). */
function answer(request: Record<string, unknown>, engine: Engine, repeat?: number): Answer {
  const req = repeat && typeof request.run === 'object' ? { ...request, run: { ...(request.run as object), repeat } } : request;
  const a = answerValue(req, { engine });
  if ('run' in a && a.run) a.run.duration_ns = null;
  return a;
}

function same(request: Record<string, unknown>): void {
  for (const repeat of [undefined, 3]) {
    const want = answer(request, 'interpreter', repeat);
    expect('request_error' in want ? want.request_error : undefined).toBeUndefined();
    expect(answer(request, 'compiled', repeat)).toEqual(want);
  }
}

describe('compiled == interpreted through run --json', () => {
  test('the 400 generated socket filters of the differential test (every register and the stack end in a map)', () => {
    for (let seed = 0x4b8; seed < 0x4b8 + 400; seed++) same(generate(seed));
  });

  test.each(helperCases().map((c) => [c.name, c] as const))('helper case %s', (_, c) => same(c.request));

  test('the SMP case', () => same(smpCase().request));

  test.each(LESSONS.map((l) => [l.id, l] as const))('lesson %s', (_, l) => same(lessonRequest(l) as unknown as Record<string, unknown>));
});
