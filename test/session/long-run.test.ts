/**
 * Long debug runs through the session (what the IDE's Run does in the worker): a 100,000,000-
 * instruction loop with Verify off runs to the budget in bounded memory and stays steppable;
 * stepping back after a breakpoint late in a long run is exact; past the history's bound,
 * stepping back says how far it goes; a map edited while paused ends the history there.
 */
import { describe, expect, test } from 'vitest';
import { Session } from '../../src/session';
import { LIMITS, type DebugSnapshot, type EngineSettings } from '../../src/protocol';
import { DEFAULT_INPUT, buildRunInput } from '../../app/lib/input';
import { progTypeOps } from '../../src/kernel/progtypes';
import { value } from '../support/outcome';


/**
 * 2 instructions, then rounds of 5: r0 += 3, store r0, r1 += 1, the breakpoint's test, goto.
 * `hit` is reached once, when r1 = 19,000,000 (after step 95,000,001).
 */
const LOOP = `.type socket_filter
.map m array key=4 value=8 entries=1
  r0 = 0
  r1 = 0
loop:
  r0 += 3
  *(u64 *)(r10 -8) = r0
  r1 += 1
  if r1 == 19000000 goto hit
  goto loop
hit:
  r2 = r1
  goto loop
`;

/** The registers and the stack slot after `s` steps that never passed `hit` (s >= 2). */
function expected(s: number): { r0: bigint; r1: bigint; slot: bigint } {
  const k = s - 2;
  const full = Math.floor(k / 5);
  const rem = k % 5;
  return { r0: BigInt(3 * (full + (rem >= 1 ? 1 : 0))), r1: BigInt(full + (rem >= 3 ? 1 : 0)), slot: BigInt(3 * (full + (rem >= 2 ? 1 : 0))) };
}

const slotOf = (snap: DebugSnapshot): bigint => new DataView(snap.stack.bytes.buffer, snap.stack.bytes.byteOffset).getBigUint64(504, true);

/** A session paused at the loop's first step; the time limit at its ceiling, so a loaded machine does not stop it early. */
async function started(settings: Partial<EngineSettings> = {}, budget = 100_000_000): Promise<Session> {
  const s = new Session({ settings: { verify: false, budget, timeLimitMs: LIMITS.timeMs.ceiling, ...settings } });
  const l = value(await s.load({ text: LOOP, syntax: 'auto', progType: 1, logLevel: 1, logSize: 65536, privileged: true }));
  if (!l.ok) throw new Error(l.log);
  value(await s.debugStart(buildRunInput(progTypeOps(1)!.info, DEFAULT_INPUT) as never));
  return s;
}

function checkAt(snap: DebugSnapshot): void {
  const e = expected(snap.step);
  expect({ step: snap.step, r0: snap.regs[0], r1: snap.regs[1], slot: slotOf(snap) }).toEqual({ step: snap.step, ...e });
}

describe('a 100,000,000-instruction run in the debugger', () => {
  test('runs to the budget in bounded memory; stepping back from there is exact', async () => {
    const s = await started();
    const heap0 = process.memoryUsage().heapUsed;
    const end = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(end).toMatchObject({ state: 'budget', step: 100_000_000 });
    expect(end.backLimit).toBeUndefined();
    // the old history (a record a step) took 2.1 GB here and lost the session
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(300 * 1024 * 1024);
    // past `hit` once: r2 holds 19,000,000
    expect(end.regs[2]).toBe(19_000_000n);
    const back = value(await s.stepBack(1)).snapshot;
    expect(back.state).toBe('paused');
    expect(back.last).toMatchObject({ step: 99_999_998 });
    const again = value(await s.step(1)).snapshot;
    expect({ ...again, runId: 0 }).toEqual({ ...end, runId: 0, last: again.last });
  });

  test('stepping back after a breakpoint late in a long run is exact', async () => {
    const s = await started();
    const lines = value(await s.assemble({ text: LOOP, syntax: 'auto' }));
    if (!lines.ok) throw new Error('does not assemble');
    const hit = lines.program.text.findIndex((t) => t.includes('r2 = r1'));
    const at = value(await s.continue({ breakpoints: [hit] })).snapshot;
    // stopped before `hit`: r1 just became 19,000,000 and the test jumped
    expect(at).toMatchObject({ state: 'paused', pc: hit, step: 2 + 5 * 19_000_000 - 1 });
    expect(at.regs[1]).toBe(19_000_000n);
    for (const n of [1, 2, 3, 7, 100, 9_999, 1_000_000]) {
      const back = value(await s.goto(at.step - n)).snapshot;
      checkAt(back);
    }
    const forward = value(await s.goto(at.step)).snapshot;
    expect(forward.regs).toEqual(at.regs);
    expect(forward.pc).toBe(hit);
  });
});

describe('the history bound in the session', () => {
  test('past the bound, stepping back goes as far as the oldest step kept, and says so', async () => {
    // 1 MiB of memory: the history keeps 7/8 of it, about 5 million steps of this loop
    const s = await started({ memoryLimitMiB: 1 }, 12_000_000);
    const end = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(end.state).toBe('budget');
    const limit = end.backLimit!;
    expect(limit.step).toBeGreaterThan(1_000_000);
    expect(limit.message).toBe(`history limit reached: stepping back goes as far as step ${limit.step}`);
    const refused = await s.seek(limit.step - 1);
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request', message: limit.message } });
    checkAt(value(await s.seek(limit.step)).snapshot);
    checkAt(value(await s.stepBack(5)).snapshot);
    expect(value(await s.snapshot()).step).toBe(limit.step);
  });

  test('a map edited while the run is paused ends the history there', async () => {
    const s = await started({}, 1000);
    const mid = value(await s.step(40)).snapshot;
    expect(mid.backLimit).toBeUndefined();
    const maps = value(await s.maps());
    value(await s.mapUpdate({ mapId: maps[0].id, key: new Uint8Array(4), value: new Uint8Array(8).fill(1), flags: 0 }));
    const after = value(await s.snapshot());
    expect(after.backLimit).toEqual({ step: 40, message: 'the world was changed at step 40 (a map or shell command): stepping back goes as far as step 40' });
    expect(await s.seek(10)).toMatchObject({ ok: false });
    value(await s.step(5));
    checkAt(value(await s.stepBack(5)).snapshot);
    // a shell command that only reads leaves the history alone
    value(await s.step(5));
    value(await s.shell('ls /sys/fs/bpf'));
    expect(value(await s.snapshot()).backLimit?.step).toBe(40);
  });
});
