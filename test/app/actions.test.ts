/** The store's actions over a real Session (no worker): what each toolbar command leaves in the store. */
import { describe, expect, test } from 'vitest';
import { selectStale } from '../../app/store/selectors';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { ide } from './ide';

describe('toolbar commands', () => {
  test('Load keeps the verdict, the program and the maps; an edit makes it stale', async () => {
    const { actions, s } = ide();
    expect(await actions.load()).toBe(true);
    expect(s().load).toMatchObject({ ok: true, stage: 'load' });
    expect(s().maps.map((m) => m.name)).toEqual(['counts']);
    expect(s().selectedMap).toBe(s().maps[0].id);
    expect(selectStale(s())).toBe(false);
    actions.setText(s().text + '\n# more');
    expect(selectStale(s())).toBe(true);
  });

  test('Step starts at step 0, steps, steps back; Stop ends the run', async () => {
    const { actions, s } = ide();
    await actions.step();
    expect(s().snap).toMatchObject({ step: 0, state: 'paused' });
    await actions.step();
    await actions.step();
    expect(s().snap?.step).toBe(2);
    await actions.stepBack();
    expect(s().snap?.step).toBe(1);
    expect(s().busy).toBe('idle');
    await actions.stop();
    expect(s().snap).toBeNull();
  });

  test('Run stops at a breakpoint line; Continue runs to the end and the trace reaches the terminal', async () => {
    const { actions, s } = ide();
    const line = EXAMPLE_PROGRAM.split('\n').findIndex((l) => l.includes('call bpf_trace_printk')) + 1;
    actions.toggleBreakpoint(line);
    await actions.run();
    expect(s().snap).toMatchObject({ state: 'paused', line });
    await actions.continueRun();
    expect(s().snap?.state).toBe('exited');
    expect(s().term.entries.filter((e) => e.kind === 'trace').map((e) => e.text.trim())).toEqual([expect.stringMatching(/proto 6$/)]);
    await actions.stepBack(5);
    expect(s().term.entries.filter((e) => e.kind === 'trace')).toEqual([]);
  });

  test('Restart undoes the run and starts over from the edited input', async () => {
    const { actions, s } = ide();
    await actions.run();
    const first = s().snap!;
    expect(first.state).toBe('exited');
    actions.setInput({ ctxValues: { mark: '7' } });
    await actions.restart();
    expect(s().snap).toMatchObject({ step: 0, state: 'paused' });
    expect(s().snap!.runId).not.toBe(first.runId);
    const mark = s().snap!.ctx!.fields.find((f) => f.name === 'mark')!;
    expect(s().snap!.ctx!.bytes[mark.offset]).toBe(7);
  });

  test('Restart during a running Continue pauses it and starts over at step 0', async () => {
    const { actions, s } = ide();
    actions.setText('.type socket_filter\nr0 = 0\nloop:\nr0 += 1\ngoto loop\n');
    actions.setSettings({ engineSettings: { ...s().engineSettings, verify: false, budget: 100_000_000 } });
    await actions.step();
    const first = s().snap!;
    const running = actions.continueRun();
    while (s().busy !== 'running') await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 20));
    await actions.restart();
    await running;
    expect(s().snap).toMatchObject({ step: 0, state: 'paused' });
    expect(s().snap!.runId).not.toBe(first.runId);
    expect(s().busy).toBe('idle');
  });

  test('a bad run input is reported, not sent', async () => {
    const { actions, s } = ide();
    actions.setInput({ packetHex: 'zz' });
    await actions.step();
    expect(s().snap).toBeNull();
    expect(s().notices.at(-1)?.text).toMatch(/packet: not hex/);
  });

  test('the shell writes the command, its output and the history', async () => {
    const { actions, s } = ide();
    await actions.load();
    await actions.shell('bpftool map show');
    const [cmd, out] = s().term.entries.slice(-2);
    expect(cmd).toEqual({ kind: 'cmd', text: 'bpftool map show' });
    expect(out.kind).toBe('out');
    expect(out.text).toContain('name counts');
    await actions.shell('nonsense');
    expect(s().term.entries.at(-1)?.kind).toBe('err');
    expect(s().history).toEqual(['bpftool map show', 'nonsense']);
  });

  test('a map edit lands in the kernel and in the list', async () => {
    const { actions, s } = ide();
    await actions.load();
    const id = s().maps[0].id;
    expect(await actions.mapUpdate(id, new Uint8Array([1, 0, 0, 0]), new Uint8Array(8))).toBeNull();
    expect(s().maps[0].count).toBe(1);
    expect(await actions.mapUpdate(id, new Uint8Array([1, 0, 0, 0]), new Uint8Array(8), 1)).toBe('EEXIST (17)');
  });

  test('notices from the io actions and the store actions have distinct ids: dismissing one keeps the other', async () => {
    const { actions, io, s } = ide();
    actions.notify('info', 'first');
    expect(await io.openShared('not a link')).toBe(false);
    const ids = s().notices.map((n) => n.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    actions.dismiss(ids[0]);
    expect(s().notices.map((n) => n.id)).toEqual([ids[1]]);
  });
});
