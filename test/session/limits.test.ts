/**
 * Every run, seek, replay and request stops at its time and memory limits with its partial
 * results and a sentence saying which limit, never with an internal error: the cases the issue
 * measured (a 1e8-step seek that took 1.4 GB, a Continue of a loop with the largest budget, a
 * capture replay of a looping program, a tail-call loop repeated a million times for 8 minutes).
 * Time is a fake clock where the test would otherwise wait.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/protocol';
import { Session } from '../../src/session';
import { answerValue, type Answer } from '../../src/session/request';
import { repeatedPcap } from '../pcap/writer';
import { value as ok } from '../support/outcome';


/** A clock that moves `stepMs` on every reading: a limit of N ms is reached after N/stepMs readings. */
function fakeClock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

const PACKET = new Uint8Array(64);
const LOOP = '.type socket_filter\nr0 = 0\nl: r0 += 1\ngoto l\nexit\n';
/** prints "hi" (a format on the stack) every round of 7 instructions */
const PRINTING_LOOP = '.type socket_filter\nr0 = 0\nl: r1 = 0x6968\n*(u64 *)(r10 - 8) = r1\nr1 = r10\nr1 += -8\nr2 = 3\ncall bpf_trace_printk\ngoto l\nexit\n';
const STORING_LOOP = '.type socket_filter\nr1 = 0\nr0 = 0\nl: *(u64 *)(r10 - 8) = r1\nr1 += 1\ngoto l\nexit\n';

async function loopRun(text: string, settings: Record<string, unknown>, clock?: () => number): Promise<Session> {
  const s = new Session({ settings: { verify: false, budget: LIMITS.steps.ceiling, ...settings }, clock });
  const l = ok(await s.load({ text, syntax: 'auto', progType: 1, logLevel: 0, logSize: 0, privileged: true }));
  expect(l.ok).toBe(true);
  ok(await s.debugStart({ packet: PACKET }));
  return s;
}

describe('debug runs stop at their limits, paused, with what they did', () => {
  it('a seek to step 10,000,000 keeps its history far under the memory limit (checkpoints), and steps back exactly from there', async () => {
    const s = await loopRun(STORING_LOOP, { memoryLimitMiB: 48, timeLimitMs: LIMITS.timeMs.ceiling });
    const heap = process.memoryUsage().heapUsed;
    const u = ok(await s.seek(10_000_000));
    const grew = process.memoryUsage().heapUsed - heap;
    // a record a step took 1.4 GB here; checkpoints every 8,192 steps and the pages saved since hold a few MiB
    expect(u.limit).toBeUndefined();
    expect(u.snapshot).toMatchObject({ state: 'paused', step: 10_000_000 });
    expect(u.snapshot.backLimit).toBeUndefined();
    expect(grew).toBeLessThan(48 * 2 ** 20);
    const back = ok(await s.stepBack(5));
    expect(back.snapshot.step).toBe(10_000_000 - 5);
    // r1 counts the loop's rounds of 3 instructions (store, add, goto) after the 2 first ones
    const n = 10_000_000 - 5 - 2;
    expect(back.snapshot.regs[1]).toBe(BigInt(Math.floor(n / 3) + (n % 3 >= 2 ? 1 : 0)));
  });

  it('a run whose recorded state passes the memory limit (its trace lines: the history gives up old steps by itself) pauses there, and steps back', async () => {
    const s = await loopRun(PRINTING_LOOP, { memoryLimitMiB: 1, timeLimitMs: LIMITS.timeMs.ceiling });
    const u = ok(await s.continue({ breakpoints: [] }));
    expect(u.limit?.limit).toBe('memory');
    expect(u.limit?.message).toMatch(/^stopped at the memory limit: the run holds [\d.]+ MiB of history and trace lines, more than 1 MiB \(raise the memory limit in the settings, up to 1 GiB\)$/);
    expect(u.snapshot.state).toBe('paused');
    expect(u.snapshot.step).toBeGreaterThan(10_000);
    expect(u.snapshot.step).toBeLessThan(LIMITS.steps.ceiling);
    const back = ok(await s.stepBack(5));
    expect(back.snapshot.step).toBe(u.snapshot.step - 5);
  });

  it('Continue of a loop with the largest budget pauses after the time limit ("stopped after 10 s") and goes on when asked', async () => {
    // each reading of the clock is 11 s: the limit is reached at the first look after a chunk, whatever
    // the machine's speed (compiled chunks are long: a few more looks could reach the instruction budget)
    const s = await loopRun(LOOP, {}, fakeClock(11_000));
    const u = ok(await s.continue({ breakpoints: [] }));
    expect(u.limit).toEqual({ limit: 'time', message: `stopped after 10 s (the time limit of one command; raise it in the settings, up to 120 s, or go on from here)` });
    expect(u.snapshot.state).toBe('paused');
    const first = u.snapshot.step;
    expect(first).toBeGreaterThan(0);
    const again = ok(await s.continue({ breakpoints: [] }));
    expect(again.limit?.limit).toBe('time');
    expect(again.snapshot.step).toBeGreaterThan(first);
  });

  it('goto, a far seek and a long step(n) go in chunks under the same limit', async () => {
    // each clock read is 6 s: the first look after a move's first chunk finds the limit passed (compiled
    // chunks are long enough that a few more looks could reach the instruction budget first)
    const s = await loopRun(LOOP, { timeLimitMs: 5000 }, fakeClock(6000));
    for (const move of [() => s.goto(50_000_000), () => s.seek(80_000_000), () => s.step(90_000_000)]) {
      const u = ok(await move());
      expect(u.limit?.message).toMatch(/^stopped after 5 s/);
      expect(u.snapshot.last).toBeDefined(); // the step that led here is shown, as after any step
    }
  });

  it('an interrupt (Pause) ends a long seek between chunks, without a limit', async () => {
    const s = await loopRun(LOOP, {});
    const seek = s.seek(90_000_000);
    await s.interrupt();
    const u = ok(await seek);
    expect(u.limit).toBeUndefined();
    expect(u.snapshot.step).toBeLessThan(90_000_000);
  });

  it('a run that ends before its limits says nothing of them', async () => {
    const s = await loopRun('.type socket_filter\nr0 = 1\nexit\n', {}, fakeClock(1));
    const u = ok(await s.continue({ breakpoints: [] }));
    expect(u.limit).toBeUndefined();
    expect(u.snapshot.state).toBe('exited');
  });
});

describe('settings', () => {
  it.each([
    [{ timeLimitMs: 0 }, /timeLimitMs must be an integer in 1\.\.120000/],
    [{ timeLimitMs: LIMITS.timeMs.ceiling + 1 }, /timeLimitMs/],
    [{ memoryLimitMiB: LIMITS.memoryMiB.ceiling + 1 }, /memoryLimitMiB must be an integer in 1\.\.1024/],
    [{ budget: LIMITS.steps.ceiling + 1 }, /budget must be an integer in 1\.\.100000000/],
  ])('%j is refused with the ceiling', async (patch, re) => {
    const r = await new Session().configure(patch);
    expect(r.ok ? '' : r.error.message).toMatch(re);
  });

  it('the defaults are the documented ones', async () => {
    const h = await new Session().hello();
    expect(h.settings).toMatchObject({ budget: 1_000_000, timeLimitMs: 10_000, memoryLimitMiB: 256 });
  });
});

describe('capture replays', () => {
  function pcap(n: number): Uint8Array {
    const frame = new Uint8Array(60);
    frame[12] = 0x08;
    return repeatedPcap(frame, n);
  }

  it('a looping program over a capture stops at the time limit with the packets so far, never stuck in one packet', async () => {
    const s = new Session({ settings: { verify: false, budget: LIMITS.steps.ceiling, timeLimitMs: 3000 }, clock: fakeClock(100) });
    ok(await s.load({ text: LOOP, syntax: 'auto', progType: 1, logLevel: 0, logSize: 0, privileged: true }));
    ok(await s.captureOpen(pcap(5)));
    const r = ok(await s.captureRun({}));
    expect(r.stopped).toBe(true);
    expect(r.limit?.message).toMatch(/^stopped after 3 s/);
    expect(r.done).toBe(0); // the first packet's loop was still going: it is not counted
  });

  it('an interrupt reaches a replay in the middle of a looping packet', async () => {
    const s = new Session({ settings: { verify: false, budget: LIMITS.steps.ceiling } });
    ok(await s.load({ text: LOOP, syntax: 'auto', progType: 1, logLevel: 0, logSize: 0, privileged: true }));
    ok(await s.captureOpen(pcap(3)));
    const r = ok(await s.captureRun({}, () => void s.interrupt()));
    expect(r.stopped).toBe(true);
    expect(r.limit).toBeUndefined();
  });

  it('a replay of programs that end is not stopped', async () => {
    const s = new Session({ clock: fakeClock(1) });
    ok(await s.load({ text: '.type socket_filter\nr0 = 0\nexit\n', syntax: 'auto', progType: 1, logLevel: 0, logSize: 0, privileged: true }));
    ok(await s.captureOpen(pcap(2000)));
    const r = ok(await s.captureRun({}));
    expect(r).toMatchObject({ done: 2000, stopped: false });
    expect(r.limit).toBeUndefined();
  });
});

describe('run --json', () => {
  type Ok = Extract<Answer, { load: unknown }>;
  const answer = (v: unknown, opts = {}): Ok => {
    const a = answerValue(v, opts);
    if ('request_error' in a) throw new Error(a.request_error);
    return a;
  };
  const TAIL_LOOP = {
    source: '.map jmp prog_array key=4 value=4 entries=1\n.type socket_filter\nr6 = r1\nr2 = map[jmp] ll\nr3 = 0\ncall bpf_tail_call\nr0 = 0\nexit\n',
    maps: [{ name: 'jmp', entries: [{ key: '00000000', value_prog: 'self' }] }],
    // jumps to slot 0 of jmp, which holds itself: 33 tail calls a run, as 4.8 allows
    progs: [{ name: 'self', insns: ['1802000000000000', '0000000000000000', 'b703000000000000', '850000000c000000', 'b700000000000000', '9500000000000000'], map_fixups: [{ insn: 0, map: 'jmp' }] }],
  };

  it('a tail-call loop repeated a million times stops at the request\'s time limit (EINTR, run.limit), with the steps it ran', () => {
    const a = answer({ source: '.type socket_filter\nr0 = 0\nexit\n', run: { data: '00'.repeat(64), repeat: 100_000 } }, { clock: fakeClock(1) });
    expect(a.run?.ok).toBe(true); // short runs, many of them: the clock is read every 256, and they fit
    const b = answer({ ...TAIL_LOOP, run: { data: '00'.repeat(64), repeat: 1_000_000, time_limit_ms: 2000 } }, { clock: fakeClock(100) });
    expect(b.run).toMatchObject({ ok: false, errno: 4, error: 'EINTR', limit: 'time', retval: null });
    expect(b.run?.fault).toBe("stopped after 2 s (the request's time limit; raise it with run.time_limit_ms, up to 600000)");
    expect(b.run?.steps).toBeGreaterThan(0);
  });

  it('a looping unverified program stops at the time limit on the wall clock too', () => {
    const started = Date.now();
    const a = answer({ source: LOOP, verify: false, run: { data: '00'.repeat(64), time_limit_ms: 300 } }, { budget: 1e9 });
    expect(a.run).toMatchObject({ ok: false, limit: 'time' });
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('the time limit covers creating the request\'s maps: a huge request stops there, as a request_error', () => {
    const entries = Array.from({ length: 50_000 }, (_, i) => ({ key: i.toString(16).padStart(8, '0'), value: '0000000000000000' }));
    const a = answerValue(
      { source: '.type socket_filter\nr0 = 0\nexit\n', maps: [{ name: 'h', type: 'hash', key_size: 4, value_size: 8, max_entries: 60_000, entries }], run: { data: '00'.repeat(64), time_limit_ms: 5000 } },
      { clock: fakeClock(200) }, // 50 readings: one a map, one every 1024 entries
    );
    expect('request_error' in a && a.request_error).toBe("stopped after 5 s (the request's time limit; raise it with run.time_limit_ms, up to 600000), while filling the maps");
  });

  it('run.time_limit_ms past its ceiling is a request_error naming it', () => {
    const a = answerValue({ source: LOOP, run: { data: '00', time_limit_ms: LIMITS.requestTimeMs.ceiling + 1 } });
    expect('request_error' in a && a.request_error).toBe('run.time_limit_ms: expected an integer from 1 to 600000');
  });
});
