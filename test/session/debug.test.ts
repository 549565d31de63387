/**
 * Debug runs through the session: snapshots at each step, exact stepping back (registers,
 * stack, maps, trace lines), breakpoints, repetitions, restart, and interrupting a runaway run.
 */
import { describe, expect, test } from 'vitest';
import { Session } from '../../src/session';
import { answerValue } from '../../src/session/request';
import { bytesToHex } from '../../src/isa';
import type { DebugUpdate, LoadRequest } from '../../src/protocol';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { DEFAULT_INPUT, buildRunInput } from '../../app/lib/input';
import { progTypeOps } from '../../src/kernel/progtypes';
import { value } from '../support/outcome';

const req = (over: Partial<LoadRequest> = {}): LoadRequest => ({ text: EXAMPLE_PROGRAM, syntax: 'auto', progType: 3, logLevel: 1, logSize: 65536, privileged: true, ...over });
const input = (repeat = 1) => ({ ...(buildRunInput(progTypeOps(3)!.info, DEFAULT_INPUT) as object), repeat });

async function started(over: Partial<LoadRequest> = {}, repeat = 1): Promise<{ s: Session; u: DebugUpdate; mapId: number }> {
  const s = new Session();
  const l = value(await s.load(req(over)));
  if (!l.ok) throw new Error(l.log);
  const u = value(await s.debugStart(input(repeat)));
  return { s, u, mapId: l.maps[0]?.id ?? 0 };
}
/** counts[6] (0 when absent) */
async function count6(s: Session, mapId: number): Promise<number> {
  const e = value(await s.mapEntries({ mapId, offset: 0, limit: 256 })).entries.find((x) => x.key[0] === 6);
  return e ? Number(new DataView(e.value!.buffer, e.value!.byteOffset).getBigUint64(0, true)) : 0;
}

describe('a debug run', () => {
  test('starts paused before the first instruction with the context, packet and stack mapped', async () => {
    const { u } = await started();
    const snap = u.snapshot;
    expect(snap).toMatchObject({ state: 'paused', step: 0, pc: 0, line: 7, repetition: 0 });
    expect(snap.pointers[1]).toMatchObject({ kind: 'ctx', offset: 0 });
    expect(snap.pointers[10]).toMatchObject({ kind: 'stack', offset: 512 });
    expect(snap.ctx?.layout).toBe('__sk_buff');
    expect(snap.packet?.bytes.length).toBe(54);
    expect(snap.last).toBeUndefined();
    expect(structuredClone(u)).toEqual(u);
  });

  test('a step shows what it changed', async () => {
    const { s, u } = await started();
    const r1 = u.snapshot.regs[1];
    const next = value(await s.step()).snapshot;
    expect(next.regs[6]).toBe(r1);
    expect(next.last).toMatchObject({ step: 0, pcBefore: 0, pcAfter: 1, text: '(bf) r6 = r1', regs: [{ reg: 6, old: 0n, new: r1 }] });
  });

  test('stepping back restores everything, and stepping forward replays identically', async () => {
    const { s, u, mapId } = await started();
    const snaps = [u.snapshot];
    while (snaps.at(-1)!.state === 'paused') snaps.push(value(await s.step()).snapshot);
    const end = snaps.at(-1)!;
    expect(end.state).toBe('exited');
    expect(end.result).toMatchObject({ retval: 0, verdict: 'TC_ACT_OK' });
    expect(end.trace.map((t) => t.line.trim())).toEqual([expect.stringMatching(/: proto 6$/)]);
    expect(await count6(s, mapId)).toBe(1);
    for (let i = snaps.length - 2; i >= 0; i--) {
      const back = value(await s.stepBack()).snapshot;
      expect(back).toEqual({ ...snaps[i], runId: back.runId });
    }
    expect(await count6(s, mapId)).toBe(0);
    const again = value(await s.goto(end.step)).snapshot;
    expect({ ...again, last: undefined }).toEqual({ ...end, runId: again.runId, last: undefined });
    expect(await count6(s, mapId)).toBe(1);
  });

  test('continue stops at a breakpoint, then runs to the end', async () => {
    const { s, u } = await started();
    const lines = value(await s.assemble({ text: EXAMPLE_PROGRAM, syntax: 'auto' }));
    if (!lines.ok) throw new Error('does not assemble');
    const pc = lines.program.lines.findIndex((l, i) => l !== null && lines.program.text[i].includes('call 6'));
    const at = value(await s.continue({ breakpoints: [pc] })).snapshot;
    expect(at).toMatchObject({ state: 'paused', pc });
    expect(at.trace).toEqual([]);
    const end = value(await s.continue({ breakpoints: [pc] }));
    expect(end.snapshot.state).toBe('exited');
    expect(end.snapshot.trace).toHaveLength(1);
    expect(end.touchedMaps.length).toBeGreaterThan(0);
    expect(u.snapshot.runId).toBe(end.snapshot.runId);
  });

  test('repetitions run on the same skb and accumulate in the map; restart undoes the run', async () => {
    const { s, mapId } = await started({}, 3);
    const end = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(end).toMatchObject({ state: 'exited', repetition: 2 });
    expect(end.trace).toHaveLength(3);
    expect(await count6(s, mapId)).toBe(3);
    const fresh = value(await s.restart()).snapshot;
    expect(fresh).toMatchObject({ state: 'paused', step: 0, repetition: 0 });
    expect(fresh.runId).not.toBe(end.runId);
    // the last repetition was undone; the first two were already history
    expect(await count6(s, mapId)).toBe(2);
  });

  test('each repetition advances the clock by all its instructions, as run --json does', async () => {
    // bpf_ktime_get_ns at the start of each repetition, stored; instructions after the last call
    const text = [
      '.type socket_filter',
      '.map t array key=4 value=8 entries=1',
      'call bpf_ktime_get_ns',
      'r7 = r0',
      '*(u32 *)(r10 -4) = 0',
      'r2 = r10',
      'r2 += -4',
      'r1 = map[t] ll',
      'call bpf_map_lookup_elem',
      'if r0 == 0 goto out',
      '*(u64 *)(r0 +0) = r7',
      ...Array<string>(20).fill('r1 = 1'),
      'out: r0 = 0',
      'exit',
    ].join('\n');
    const packet = new Uint8Array(60);
    const cli = answerValue({ source: text, run: { data: '00'.repeat(60), repeat: 3 } });
    if (!('maps' in cli)) throw new Error(cli.request_error);
    const s = new Session();
    const l = value(await s.load(req({ text, progType: 1 })));
    expect(l.ok, l.log).toBe(true);
    value(await s.debugStart({ packet, repeat: 3 }));
    expect(value(await s.continue({ breakpoints: [] })).snapshot).toMatchObject({ state: 'exited', repetition: 2 });
    const [e] = value(await s.mapEntries({ mapId: l.maps[0].id, offset: 0, limit: 1 })).entries;
    expect(bytesToHex(e.value!)).toBe(cli.maps[0].entries[0].value);
  });

  test('the kernel refuses a packet the test run would refuse', async () => {
    const s = new Session();
    value(await s.load(req()));
    const r = await s.debugStart({ packet: new Uint8Array(10) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/EINVAL/);
  });

  test('without a loaded program there is nothing to debug', async () => {
    const r = await new Session().debugStart({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('no_program');
  });

  test('an interrupt pauses a runaway run of an unverified program', async () => {
    const s = new Session({ settings: { verify: false, budget: 100_000_000 } });
    const l = value(await s.load(req({ text: '.type socket_filter\nr0 = 0\nloop:\nr0 += 1\ngoto loop\n', progType: 1 })));
    expect(l.ok).toBe(true);
    value(await s.debugStart(input()));
    const running = s.continue({ breakpoints: [] });
    setTimeout(() => void s.interrupt(), 50);
    const u = value(await running);
    expect(u.snapshot.state).toBe('paused');
    expect(u.snapshot.step).toBeGreaterThan(1000);
    expect(u.snapshot.step).toBeLessThan(100_000_000);
  });
});

describe('trace_printk lines in a debug run', () => {
  const stamp = (line: string) => line.match(/ (\d+\.\d{6}): : /)![1];
  const TRACE_PIPE = 'cat /sys/kernel/debug/tracing/trace_pipe';

  test('each line has its own stamp, advancing per call, per repetition and per run, as a real trace', async () => {
    const { s } = await started({}, 3);
    const first = value(await s.continue({ breakpoints: [] })).snapshot.trace.map((t) => t.line);
    expect(first.length).toBe(3);
    // a stop and a new run: later again
    value(await s.stop());
    value(await s.debugStart(input(2)));
    const second = value(await s.continue({ breakpoints: [] })).snapshot.trace.map((t) => t.line);
    const stamps = [...first, ...second].map(stamp);
    expect(stamps).toEqual(['100.000000', '100.000001', '100.000002', '100.000003', '100.000004']);
  });

  test('the terminal reads them: cat trace_pipe does not print them again, and prints once what others wrote', async () => {
    const { s } = await started({}, 2);
    const u = value(await s.continue({ breakpoints: [] }));
    expect(u.snapshot.trace.length).toBe(2);
    expect(value(await s.shell(TRACE_PIPE)).output).toBe('');
    // outside a debug run (a capture replay's lines, say), a line no reader took yet comes out once, with no blank line after it
    value(await s.stop());
    const k = await (s as unknown as { kernel(): Promise<{ traceWrite(l: string): void }> }).kernel();
    k.traceWrite('          bpflab-1234  [000] ..s1   100.000009: : by hand\n');
    expect(value(await s.shell(TRACE_PIPE)).output).toBe('          bpflab-1234  [000] ..s1   100.000009: : by hand\n');
    expect(value(await s.shell(TRACE_PIPE)).output).toBe('');
  });

  test('stepping back over a call takes its line back, and stepping again prints it with the same stamp', async () => {
    const { s } = await started();
    const end = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(end.trace.length).toBe(1);
    const back = value(await s.stepBack(end.step - end.trace[0].step)).snapshot;
    expect(back.trace).toEqual([]);
    const again = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(again.trace).toEqual(end.trace);
  });
});

describe('every program type runs in the debugger', () => {
  const packet = buildRunInput(progTypeOps(3)!.info, DEFAULT_INPUT) as { packet: Uint8Array };
  test.each([
    ['socket_filter', 1, 'r0 = *(u32 *)(r1 +0)\nexit\n', { packet: packet.packet }, '__sk_buff', 'keep all 40 bytes'],
    ['sched_act', 4, 'r0 = 2\nexit\n', { packet: packet.packet }, '__sk_buff', 'TC_ACT_SHOT'],
    ['xdp', 6, 'r2 = *(u32 *)(r1 +0)\nr3 = *(u32 *)(r1 +4)\nr0 = 1\nr2 += 14\nif r2 > r3 goto +1\nr0 = 2\nexit\n', { packet: packet.packet }, 'xdp_md', 'XDP_PASS'],
    ['kprobe', 2, 'r0 = *(u64 *)(r1 +112)\nexit\n', { ctx: new Uint8Array(168).fill(1) }, 'pt_regs', 'r0 = 16843009'],
    ['tracepoint', 5, 'r0 = *(u32 *)(r1 +8)\nexit\n', { tracepoint: 'raw_syscalls:sys_enter' }, 'raw_syscalls:sys_enter', undefined],
  ])('%s', async (_, progType, text, runInput, layout, verdict) => {
    const s = new Session();
    const l = value(await s.load(req({ text, progType: progType as number })));
    expect(l.ok, l.log).toBe(true);
    const start = value(await s.debugStart(runInput as object));
    expect(start.snapshot.ctx?.layout).toBe(layout);
    const end = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(end.state).toBe('exited');
    if (verdict) expect(end.result?.verdict).toBe(verdict);
    expect(structuredClone(end)).toEqual(end);
  });
});

test('run commands wait while a continue runs', async () => {
  const s = new Session({ settings: { verify: false, budget: 100_000_000 } });
  value(await s.load(req({ text: '.type socket_filter\nr0 = 0\nloop:\nr0 += 1\ngoto loop\n', progType: 1 })));
  value(await s.debugStart(input()));
  const running = s.continue({ breakpoints: [] });
  await new Promise((r) => setTimeout(r, 20));
  const step = await s.step();
  expect(step.ok).toBe(false);
  if (!step.ok) expect(step.error.message).toMatch(/pause it first/);
  await s.interrupt();
  expect(value(await running).snapshot.state).toBe('paused');
  expect((await s.step()).ok).toBe(true);
});

describe('a tracepoint program that reads below its record (4.8 lets it)', () => {
  test('the read lands in the memory below the record, which the context view shows', async () => {
    const s = new Session();
    const l = value(await s.load(req({ text: '.type tracepoint\nr0 = *(u64 *)(r1 -8)\nexit\n', progType: 5 })));
    expect(l.ok, l.log).toBe(true);
    const start = value(await s.debugStart({ tracepoint: 'sched:sched_switch' })).snapshot;
    // r1 points at the record: offsets count from it
    expect(start.pointers[1]).toMatchObject({ kind: 'ctx', offset: 0 });
    const ctx = start.ctx!;
    expect(ctx.layout).toBe('sched:sched_switch');
    expect(ctx.bytes.length).toBe(2048);
    expect(ctx.addr).toBe(start.regs[1]);
    expect(ctx.below?.bytes.length).toBe(32768);
    expect(ctx.below?.about).toMatch(/per-CPU kernel memory under the perf trace buffer/);
    const step = value(await s.step()).snapshot;
    expect(step.last?.reads).toEqual([expect.objectContaining({ kind: 'ctx', offset: -8, size: 8, addr: start.regs[1] - 8n })]);
    expect(step.regs[0]).toBe(0n);
    const end = value(await s.continue({ breakpoints: [] })).snapshot;
    expect(end.state).toBe('exited');
    expect(structuredClone(end)).toEqual(end);
  });
});
