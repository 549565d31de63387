/** The status bar's text: a run's result reads as the lesson's expectation, and names the program that runs. */
import { describe, expect, test } from 'vitest';
import { returnsText, runText, statusOf } from '../../app/lib/status';
import { expectText } from '../../app/lib/lesson';
import { verdictOf } from '../../src/kernel/progtypes';
import { ProgType } from '../../src/isa';
import type { DebugSnapshot, LoadResult } from '../../src/protocol';

const snap = (over: Partial<DebugSnapshot>): DebugSnapshot =>
  ({ runId: 1, state: 'paused', step: 6, progId: 1, progName: 'main', pc: 3, regs: [], pointers: [], stack: {} as never, stackPointers: [], trace: [], repetition: 0, position: 6, ...over }) as DebugSnapshot;

describe('status text', () => {
  test('a lesson and the status bar say a result the same way (u32 retval, in decimal and hex)', () => {
    const verdict = verdictOf(ProgType.SocketFilter, -1, 40).name;
    const lesson = expectText({ load: { accepted: true }, run: { retval: -1, verdict } } as never);
    const status = runText(snap({ state: 'exited', step: 4, result: { retval: 0xffffffff, verdict }, stop: { kind: 'exit', r0: 0xffffffffffffffffn } }));
    expect(lesson).toBe('The verifier accepts it; a run returns 4294967295 (0xffffffff): keep all 40 bytes.');
    expect(status).toBe('Exited after 4 steps: returns 4294967295 (0xffffffff): keep all 40 bytes');
    expect(status).not.toContain('0xffffffffffffffff');
  });
  test('a kprobe result is said once, not "r0 = 0x0, r0 = 0"', () => {
    const verdict = verdictOf(ProgType.Kprobe, 0, 0).name;
    const t = runText(snap({ state: 'exited', step: 2, result: { retval: 0, verdict }, stop: { kind: 'exit', r0: 0n } }));
    expect(t).toBe('Exited after 2 steps: returns 0 (0x0)');
    expect(returnsText(5, 'r0 = 5')).toBe('returns 5 (0x5)');
  });
  test('a run inside a tail-called program names it', () => {
    expect(runText(snap({ progId: 7, progName: 'parse_ip', pc: 0, line: 3 }), 1)).toBe('Paused at step 6 in parse_ip, pc 0 (line 3)');
    expect(runText(snap({ progId: 1, line: 9 }), 1)).toBe('Paused at step 6, pc 3 (line 9)');
    expect(runText(snap({ progId: 7, progName: '', pc: 2 }), 1)).toBe('Paused at step 6 in prog 7, pc 2');
  });
  test('load verdicts and the engine', () => {
    const base = { snap: null, running: false, progress: null, stale: false };
    const load = { stage: 'load', ok: false, errno: 13, errnoName: 'EACCES', progType: 1 } as LoadResult;
    expect(statusOf({ ...base, engine: { kind: 'starting' }, load: null }).text).toBe('Starting the engine…');
    expect(statusOf({ ...base, engine: { kind: 'ready' } as never, load })).toEqual({ text: 'Load failed: EACCES (13)', bad: true });
    expect(statusOf({ ...base, stale: true, engine: { kind: 'ready' } as never, load: { ...load, ok: true, errno: 0, progId: 4 } })).toEqual({ text: 'Loaded: prog id 4 (edited since)', bad: false });
    expect(statusOf({ ...base, running: true, progress: 20000, engine: { kind: 'ready' } as never, load }).text).toBe('Running… step 20000');
  });
});
