import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, PROTOCOL_VERSION } from '../../src/protocol';
import { Session } from '../../src/session';

describe('Session basics', () => {
  test('hello names the protocol version, the settings and the kernel\'s program types', async () => {
    const h = await new Session().hello();
    expect(h.protocol).toBe(PROTOCOL_VERSION);
    expect(h.settings).toEqual(DEFAULT_SETTINGS);
    expect(h.progTypes.map((t) => [t.type, t.name])).toEqual([
      [1, 'socket_filter'], [2, 'kprobe'], [3, 'sched_cls'], [4, 'sched_act'], [5, 'tracepoint'], [6, 'xdp'],
    ]);
    // data only: it crosses the worker boundary by structured clone
    expect(structuredClone(h.progTypes)).toEqual(h.progTypes);
  });

  test.each([
    [{ ncpus: 0 }, /ncpus/],
    [{ ncpus: 2, cpu: 2 }, /cpu must/],
    [{ seed: -1 }, /seed/],
    [{ budget: 0 }, /budget/],
    [{ semantics: 'new' as never }, /semantics/],
  ])('configure refuses %o', async (patch, why) => {
    const s = new Session();
    const r = await s.configure(patch);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_request');
      expect(r.error.message).toMatch(why);
    }
    expect((await s.hello()).settings).toEqual(DEFAULT_SETTINGS);
  });

  test('configure keeps what it accepts', async () => {
    const s = new Session();
    const r = await s.configure({ ncpus: 4, cpu: 3, seed: 7 });
    expect(r).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, ncpus: 4, cpu: 3, seed: 7 } });
  });

  test('without a run, run commands answer no_run, never a result', async () => {
    const s = new Session();
    for (const r of [await s.step(), await s.stepBack(), await s.goto(3), await s.seek(3), await s.continue({ breakpoints: [] }), await s.snapshot()]) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('no_run');
    }
  });
});
