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

describe('loads see memory a helper changed', () => {
  // The interpreter and compiled code remember the region their last load went to. A helper may
  // give the packet new bytes (skb_vlan_push's second tag goes into the frame), so a load after
  // it must read the new frame, not the old one: bytes 12-13 become the first tag's 81 00.
  const source = `.type sched_cls
    r6 = r1
    r2 = *(u32 *)(r6 +76)
    r3 = *(u32 *)(r6 +80)
    r4 = r2
    r4 += 14
    if r4 > r3 goto drop
    r7 = *(u8 *)(r2 +12)
    r1 = r6
    r2 = 0x0081
    r3 = 5
    call bpf_skb_vlan_push
    r1 = r6
    r2 = 0x0081
    r3 = 9
    call bpf_skb_vlan_push
    r2 = *(u32 *)(r6 +76)
    r3 = *(u32 *)(r6 +80)
    r4 = r2
    r4 += 14
    if r4 > r3 goto drop
    r0 = *(u8 *)(r2 +12)
    r0 <<= 8
    r0 |= r7
    exit
  drop:
    r0 = 0
    exit
  `;
  const frame = '0000000000010000000000020800' + '45'.padEnd(92, '0');
  test.each(['interpreter', 'compiled'] as const)('%s', (engine) => {
    const a = answer({ source, log_level: 0, run: { data: frame } }, engine);
    expect('run' in a && a.run ? [a.run.retval, a.run.data_out?.slice(24, 32)] : a).toEqual([0x8108, '81000005']);
  });
});
