/**
 * The IDE's share links, object and capture imports and exports, through the store's actions
 * over real Sessions: a link made in one IDE restores program, settings, maps, input,
 * breakpoints and the run's step in another; bad links and malformed files change nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { pickPersisted } from '../../app/store/persist';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { lessonById } from '../../src/lessons';
import { answerText } from '../../src/session/request';
import { encodeShare } from '../../src/share';
import type { EngineApi, SharedSession } from '../../src/protocol';
import { XDP_DROP_UDP } from '../support/programs';
import { ide } from './ide';

async function allEntries(api: EngineApi): Promise<Record<string, string[]>> {
  const maps = await api.maps();
  if (!maps.ok) throw new Error(maps.error.message);
  const out: Record<string, string[]> = {};
  for (const m of maps.value) {
    const page = await api.mapEntries({ mapId: m.id, offset: 0, limit: 10_000 });
    if (!page.ok) throw new Error(page.error.message);
    out[m.name] = page.value.entries.map((e) => `${Buffer.from(e.key).toString('hex')}=${e.value ? Buffer.from(e.value).toString('hex') : '-'}`);
  }
  return out;
}

async function shareLink(io: ReturnType<typeof ide>['io']): Promise<string> {
  const r = await io.shareFragment();
  if ('error' in r) throw new Error(r.error);
  return r.fragment;
}

describe('share links', () => {
  test('a link restores program, settings, maps as the run began, input, breakpoints and the step', async () => {
    const a = ide();
    a.actions.setSettings({ logLevel: 2, engineSettings: { ...a.s().engineSettings, seed: 7 } });
    a.actions.setInput({ ctxValues: { mark: '0x2a' } });
    await a.actions.load();
    // earlier runs fill the map: the link must carry the contents as this run begins
    await a.actions.run();
    await a.actions.run();
    const line = EXAMPLE_PROGRAM.split('\n').findIndex((l) => l.includes('call bpf_trace_printk')) + 1;
    a.actions.toggleBreakpoint(line);
    await a.actions.stop();
    await a.actions.step();
    await a.actions.step(9);
    const at = a.s().snap!;
    expect(at.step).toBe(9);
    const mapsAt = await allEntries(a.api);
    const frag = await shareLink(a.io);

    const b = ide();
    expect(await b.io.openShared(frag)).toBe(true);
    const sa = a.s();
    const sb = b.s();
    for (const k of ['text', 'syntax', 'progType', 'logLevel', 'logSize', 'privileged', 'engineSettings', 'breakpoints'] as const) expect(sb[k]).toEqual(sa[k]);
    expect(sb.input.ctxValues).toEqual({ mark: '0x2a' });
    expect(sb.input.packetHex).toBe(sa.input.packetHex);
    expect(sb.snap).toMatchObject({ step: 9, pc: at.pc, state: 'paused' });
    expect(sb.snap!.regs).toEqual(at.regs);
    expect(await allEntries(b.api)).toEqual(mapsAt);
    // and it goes on to the same end
    await a.actions.continueRun();
    await a.actions.continueRun();
    await b.actions.continueRun();
    await b.actions.continueRun();
    expect(b.s().snap!.result).toEqual(a.s().snap!.result);
    expect(await allEntries(b.api)).toEqual(await allEntries(a.api));
  });

  test('a run through repetitions comes back at the same repetition and step', async () => {
    const a = ide();
    await a.io.openLesson(lessonById('count-packets')!);
    await a.actions.load();
    await a.actions.step();
    for (let i = 0; i < 25; i++) await a.actions.step();
    const at = a.s().snap!;
    expect(at.repetition).toBeGreaterThan(1);
    const b = ide();
    expect(await b.io.openShared(await shareLink(a.io))).toBe(true);
    expect(b.s().snap).toMatchObject({ repetition: at.repetition, step: at.step, position: at.position, pc: at.pc });
    expect(await allEntries(b.api)).toEqual(await allEntries(a.api));
  });

  test('a program never loaded shares its text and no run', async () => {
    const a = ide();
    a.actions.setText('r0 = 7\nexit\n');
    a.actions.setSettings({ progType: 1 });
    const b = ide();
    expect(await b.io.openShared(await shareLink(a.io))).toBe(true);
    expect(b.s().text).toBe('r0 = 7\nexit\n');
    expect(b.s().load?.ok).toBe(true);
    expect(b.s().snap).toBeNull();
  });

  test('bad links change nothing, not even storage, and say why', async () => {
    const b = ide();
    b.actions.setText('r0 = 1\nexit\n');
    b.actions.toggleBreakpoint(1);
    await b.actions.load();
    const before = JSON.stringify(pickPersisted(b.s()));
    const stored = JSON.stringify([...b.storage.data]);
    const good = encodeShare({
      v: 1, source: 'r0 = 2\nexit\n', syntax: 'llvm', progType: 1, load: { logLevel: 1, logSize: 65536, privileged: true },
      settings: { seed: 1, ncpus: 2, cpu: 0, budget: 1000, semantics: '4.8', verify: true }, maps: [], input: {}, breakpoints: [], step: 0,
    });
    const bad = ['', '#v1.', 'v2.' + good.slice(3), good.slice(0, good.length - 8), good.slice(0, 12) + (good[12] === 'A' ? 'B' : 'A') + good.slice(13), 'v1.' + 'A'.repeat(200_000)];
    for (const frag of bad) {
      expect(await b.io.openShared(frag)).toBe(false);
      expect(b.s().notices.at(-1)).toMatchObject({ kind: 'error', text: expect.stringMatching(/cannot be opened: .+ Your program is unchanged/) });
      expect(JSON.stringify(pickPersisted(b.s()))).toBe(before);
      expect(JSON.stringify([...b.storage.data])).toBe(stored);
      expect(b.s().load?.ok).toBe(true);
    }
    expect(await b.io.openShared(good)).toBe(true);
    expect(b.s().text).toBe('r0 = 2\nexit\n');
  });
});

describe('links that ask first', () => {
  const LOOP: SharedSession = {
    v: 1, source: 'r0 = 0\nloop:\nr0 += 1\ngoto loop\n', syntax: 'llvm', progType: 1, load: { logLevel: 1, logSize: 65536, privileged: true },
    settings: { seed: 1, ncpus: 1, cpu: 0, budget: 100_000_000, semantics: '4.8', verify: false }, maps: [], input: { packet: '00'.repeat(60) }, breakpoints: [], step: 100_000_000,
  };
  const guard = () => {
    const calls: string[] = [];
    return { calls, guard: { begin: () => calls.push('begin'), end: () => calls.push('end') } };
  };

  test('a link past the default budget or replaying far waits for an answer; the work is guarded', async () => {
    const b = ide();
    b.actions.setText('r0 = 7\nexit\n');
    for (const [session, ask] of [
      [LOOP, { budget: 100_000_000, step: 100_000_000 }],
      [{ ...LOOP, step: 0 }, { budget: 100_000_000, step: 0 }],
      [{ ...LOOP, settings: { ...LOOP.settings, budget: 1_000_000 }, step: 100_001 }, { budget: 1_000_000, step: 100_001 }],
    ] as [SharedSession, { budget: number; step: number }][]) {
      const g = guard();
      expect(await b.io.openShared(encodeShare(session), { guard: g.guard })).toBe(true);
      expect(b.s().linkAsk).toEqual(ask);
      expect(b.s().text).toBe('r0 = 7\nexit\n');
      expect(g.calls).toEqual([]);
      await b.io.answerLink(null);
      expect(b.s().linkAsk).toBeNull();
      expect(b.s().text).toBe('r0 = 7\nexit\n');
      expect(b.s().notices.at(-1)?.text).toBe('The link was not opened. Your program is unchanged.');
    }
    const g = guard();
    await b.io.openShared(encodeShare(LOOP), { guard: g.guard });
    await b.io.answerLink('load');
    expect(g.calls).toEqual(['begin', 'end']);
    expect(b.s().text).toBe(LOOP.source);
    expect(b.s().load?.ok).toBe(true);
    expect(b.s().snap).toBeNull();
    expect(b.s().engineSettings.budget).toBe(100_000_000);
  });

  test('"Run to step" replays within the time limit (pausing with its reason) or the budget', async () => {
    const b = ide();
    b.actions.setSettings({ engineSettings: { ...b.s().engineSettings, timeLimitMs: 300 } });
    await b.io.openShared(encodeShare(LOOP));
    await b.io.answerLink('replay');
    const snap = b.s().snap!;
    expect(snap.step).toBeGreaterThan(0);
    // stopped by the time limit with its reason, or (compiled runs are fast) at the link's budget
    if (snap.state === 'budget') expect(snap.step).toBe(100_000_000);
    else {
      expect(snap.state).toBe('paused');
      expect(snap.step).toBeLessThan(100_000_000);
      expect(b.s().notices.map((n) => n.text).join('\n')).toMatch(/stopped after 300 ms/);
    }
  });

  test('a link that stopped the page last time opens as text, loading and running nothing', async () => {
    const b = ide();
    expect(await b.io.openShared(encodeShare(LOOP), { mode: 'text' })).toBe(true);
    expect(b.s().linkAsk).toBeNull();
    expect(b.s().text).toBe(LOOP.source);
    expect(b.s().load).toBeNull();
    expect(b.s().snap).toBeNull();
    expect(b.s().notices.at(-1)).toMatchObject({ kind: 'error', text: 'This link stopped the page last time, so it was opened without loading or running it.' });
  });

  test('a link within the defaults opens at once, guarded', async () => {
    const b = ide();
    const g = guard();
    const small = { ...LOOP, settings: { ...LOOP.settings, budget: 1000 }, step: 10 };
    expect(await b.io.openShared(encodeShare(small), { guard: g.guard })).toBe(true);
    expect(b.s().linkAsk).toBeNull();
    expect(g.calls).toEqual(['begin', 'end']);
    expect(b.s().snap?.step).toBe(10);
  });
});

describe('clang objects', () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(`test/fixtures/elf/${name}`));

  test('an object with one program opens, loads and runs', async () => {
    const a = ide();
    expect(await a.io.openObject('socket_count.o', fixture('socket_count.o'))).toBe(true);
    expect(a.s().text).toMatch(/\.map \w+ /);
    expect(a.s().progType).toBe(1);
    expect(await a.actions.load()).toBe(true);
    await a.actions.run();
    expect(a.s().snap?.state).toBe('exited');
  });

  test('an object with several programs asks which; a malformed one changes nothing', async () => {
    const a = ide();
    expect(await a.io.openObject('tc_two.o', fixture('tc_two.o'))).toBe(true);
    expect(a.s().objectChoice?.programs.map((p) => p.section)).toEqual(['classifier', 'action']);
    expect(a.s().text).toBe(EXAMPLE_PROGRAM);
    await a.io.chooseObjectProgram(1);
    expect(a.s().progType).toBe(4);
    expect(a.s().text).toContain('.map verdicts percpu_array');
    expect(await a.actions.load()).toBe(true);
    const text = a.s().text;
    const broken = fixture('xdp_drop.o').slice(0, 100);
    expect(await a.io.openObject('broken.o', broken)).toBe(false);
    expect(a.s().notices.at(-1)?.text).toMatch(/broken\.o cannot be opened: .+ Your program is unchanged/);
    expect(a.s().text).toBe(text);
    expect(a.s().load?.ok).toBe(true);
  });
});

describe('objects beyond Linux 4.8', () => {
  test('an object built for -mcpu=v3 opens with a notice that 4.8 will refuse it and how to rebuild', async () => {
    const a = ide();
    expect(await a.io.openObject('jmp32.o', new Uint8Array(readFileSync('test/fixtures/elf/jmp32.o')))).toBe(true);
    expect(a.s().notices.at(-1)).toMatchObject({ kind: 'error', text: expect.stringMatching(/^Opened .+ from jmp32\.o\. 2 of its 8 instructions are beyond Linux 4\.8 .+-mcpu=v1/) });
    expect(a.s().text).toMatch(/^; section socket of a clang object\n; warning: /);
  });
});

describe('packet captures', () => {
  test('a capture replays with its verdict counts, and a packet of it opens a debug run', async () => {
    const a = ide();
    a.actions.setText(XDP_DROP_UDP);
    a.actions.setSettings({ progType: 6 });
    const file = new Uint8Array(readFileSync('test/fixtures/pcap/eth-us-le.pcap'));
    expect(await a.io.openCapture('eth-us-le.pcap', file)).toBe(true);
    const r = a.s().capture!.replay!;
    expect(r).toMatchObject({ total: 5, done: 5, stopped: false });
    expect(r.counts).toEqual([
      { name: 'XDP_PASS', count: 3 },
      { name: 'XDP_DROP', count: 2 },
    ]);
    expect([...r.retvals]).toEqual([2, 1, 2, 2, 1]);
    await a.io.debugPacket(1);
    expect(a.s().snap).toMatchObject({ step: 0, state: 'paused' });
    expect(a.s().input.packetHex).toMatch(/^02000000000b02000000000a0800/);
    await a.actions.continueRun();
    expect(a.s().snap?.result?.verdict).toBe('XDP_DROP');
  });

  test('a file that is not a capture is refused', async () => {
    const a = ide();
    expect(await a.io.openCapture('x.pcap', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(false);
    expect(a.s().capture).toBeNull();
  });
});

describe('export', () => {
  test('the run request runs under run --json with the IDE\'s result; text formats reassemble', async () => {
    const a = ide();
    await a.io.openLesson(lessonById('tail-calls')!);
    await a.actions.load();
    await a.actions.run();
    const req = await a.io.exportAs('request');
    expect(req).toMatchObject({ ok: true, filename: expect.stringMatching(/\.json$/) });
    const answer = JSON.parse(answerText(a.s().exported!.text).output);
    expect(answer.load.ok).toBe(true);
    expect(answer.run.retval).toBe(a.s().snap!.result!.retval);
    const hex = (await a.io.exportAs('hex'))!;
    const bytes = (await a.io.exportAs('bytes'))!;
    expect(bytes.ok && bytes.bytes!.length * 2 + bytes.bytes!.length / 8).toBe(hex.ok && hex.text!.length);
    for (const f of ['llvm', 'ubpf'] as const) {
      const t = await a.io.exportAs(f);
      const b = ide();
      b.actions.setText(t!.ok ? t!.text! : '');
      expect((await b.io.exportAs('hex'))).toMatchObject({ text: hex.ok ? hex.text : '' });
    }
  });
});
