/**
 * What the live region says, driven by the store's real actions over a real Session: each
 * action's announcement is collected as the page's Announcer collects it (settled once the task's
 * changes are done), so transient states (Run stopping the old run first, Stop going idle before
 * the run ends) must not be spoken.
 */
import { describe, expect, test } from 'vitest';
import { Announcements, refusalLine, stopText } from '../../app/ui/announce';
import type { DebugSnapshot } from '../../src/protocol';
import { EXAMPLE_PROGRAM } from '../../app/store/example';
import { ide } from './ide';

/** The IDE with an Announcer: `said()` is what was announced since the last call. */
function announcing() {
  const x = ide();
  const a = new Announcements(x.store.getState());
  let out: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  x.store.subscribe((s) => {
    a.observe(s);
    clearTimeout(timer);
    pending = true;
    timer = setTimeout(() => {
      pending = false;
      const t = a.settle(x.store.getState());
      if (t) out.push(t);
    }, 0);
  });
  // what was said once the store is quiet (an action's last changes, a map refresh, come late)
  const said = async (): Promise<string[]> => {
    do await new Promise((r) => setTimeout(r, 0));
    while (pending);
    const r = out;
    out = [];
    return r;
  };
  return { ...x, said };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const REFUSED =
  '.type socket_filter\n.map m array key=4 value=8 entries=1\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[m] ll\ncall bpf_map_lookup_elem\nr0 = *(u64 *)(r0 +0)\nexit\n';

describe('loads', () => {
  test('an accepted load says so, with its prog id', async () => {
    const { actions, s, said } = announcing();
    await actions.load();
    expect(await said()).toEqual([`Loaded: the verifier accepted the program, prog id ${s().load!.progId}`]);
  });

  test("a refused load says the errno and the verifier's error line", async () => {
    const { actions, s, said } = announcing();
    actions.setText(REFUSED);
    await actions.load();
    const last = s().load!.log.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/invalid mem access/);
    expect(await said()).toEqual([`Load refused: EACCES (13). ${last}`]);
  });

  test('a program that does not assemble says how many errors and the first', async () => {
    const { actions, said } = announcing();
    actions.setText('.type socket_filter\nr0 = \nexit\n');
    await actions.load();
    expect((await said())[0]).toMatch(/^The program does not assemble: 1 error\. Line 2: /);
  });

  test('refusalLine is the last non-empty line', () => {
    expect(refusalLine('0: (b7) r0 = 0\nR0 !read_ok\n\n')).toBe('R0 !read_ok');
    expect(refusalLine('')).toBeUndefined();
  });
});

describe('every way a run stops', () => {
  test('the first Step loads and pauses: one announcement, the pause', async () => {
    const { actions, said } = announcing();
    await actions.step();
    expect(await said()).toEqual([`Paused at step 0, pc 0, line ${lineOf(EXAMPLE_PROGRAM, 'r6 = r1')}`]);
  });

  test('a Step says the instruction it ran and the registers it changed', async () => {
    const { actions, said } = announcing();
    await actions.step();
    await said();
    await actions.step();
    expect(await said()).toEqual([`Paused at step 1, pc 1, line ${lineOf(EXAMPLE_PROGRAM, 'r6 = r1') + 1} after r6 = r1; changed r6`]);
  });

  test('Run to a breakpoint, Continue to the end, Stop', async () => {
    const { actions, s, said } = announcing();
    const line = lineOf(EXAMPLE_PROGRAM, 'call bpf_trace_printk');
    actions.toggleBreakpoint(line);
    await actions.run();
    expect(await said()).toEqual([`Paused at the breakpoint, step ${s().snap!.step}, pc ${s().snap!.pc}, line ${line}`]);
    await actions.continueRun();
    const exited = await said();
    expect(exited).toEqual([expect.stringMatching(/^Exited after \d+ steps: r0 = 0x[0-9a-f]+, /)]);
    expect(exited[0]).toContain(s().snap!.result!.verdict);
    await actions.stop();
    expect(await said()).toEqual(['The run was stopped']);
  });

  test('Run over a finished run says only how the new one ended', async () => {
    const { actions, said } = announcing();
    await actions.run();
    await said();
    await actions.run();
    expect(await said()).toEqual([expect.stringMatching(/^Exited after /)]);
  });

  test('a fault names the pc, the line and the fault', async () => {
    const { actions, s, said } = announcing();
    actions.setSettings({ engineSettings: { ...s().engineSettings, verify: false } });
    actions.setText('.type socket_filter\nr1 = 0\nr0 = *(u64 *)(r1 +0)\nexit\n');
    await actions.run();
    const [t] = await said();
    expect(s().snap!.state).toBe('faulted');
    expect(s().snap!.pc).toBe(1);
    expect(t).toBe(`Fault at step ${s().snap!.step}, pc 1, line 3: ${(s().snap!.stop as { message: string }).message}`);
  });

  test('the budget running out says after how many steps', async () => {
    const { actions, s, said } = announcing();
    actions.setSettings({ engineSettings: { ...s().engineSettings, verify: false, budget: 100 } });
    actions.setText('.type socket_filter\nr0 = 0\nloop:\nr0 += 1\ngoto loop\n');
    await actions.run();
    // the run stops where the budget ends, and says so at once
    expect(s().snap!.state).toBe('budget');
    expect(await said()).toEqual([expect.stringMatching(/^Budget exhausted after 100 steps: the run was stopped at step 100, pc \d+, line \d+$/)]);
  });
});

test('a run paused before its budget (Pause, a limit) gives no budget reason', () => {
  const snap = { state: 'paused', step: 42, pc: 3, line: 5 } as unknown as DebugSnapshot;
  expect(stopText(snap, 'run', false, 100)).toBe('Paused at step 42, pc 3, line 5');
  expect(stopText({ ...snap, step: 100 }, 'run', false, 100)).toBe('Paused at step 100, pc 3, line 5: the budget of 100 instructions is used up');
  expect(stopText({ ...snap, step: 100 }, 'run', true, 100)).toBe('Paused at the breakpoint, step 100, pc 3, line 5');
});

describe('the toasts and the engine speak through the live region', () => {
  test('each new notice once, errors marked as errors', async () => {
    const { store, said } = announcing();
    const n = (id: number, kind: 'error' | 'info', text: string) => ({ id, kind, text });
    store.setState({ notices: [n(1, 'info', 'Paused at step 7: stopped after 10 s.')] });
    expect(await said()).toEqual(['Paused at step 7: stopped after 10 s']);
    store.setState({ notices: [n(1, 'info', 'Paused at step 7: stopped after 10 s.'), n(2, 'error', 'broken.o cannot be opened')] });
    expect(await said()).toEqual(['Error: broken.o cannot be opened']);
    // one leaving says nothing
    store.setState({ notices: [n(2, 'error', 'broken.o cannot be opened')] });
    expect(await said()).toEqual([]);
  });

  test('a refused Step: the refusal and the notice in one announcement', async () => {
    const { actions, s, said } = announcing();
    actions.setText(REFUSED);
    await actions.step();
    const last = s().load!.log.trimEnd().split('\n').at(-1)!;
    expect(await said()).toEqual([`Load refused: EACCES (13). ${last}. Error: The program did not load: see the verifier log`]);
  });

  test('the engine failing', async () => {
    const { store, said } = announcing();
    store.setState({ engine: { kind: 'failed', message: 'the worker could not start' } });
    expect(await said()).toEqual(['The engine failed: the worker could not start']);
  });
});

test("the editor's Tab mode", async () => {
  const { store, said } = announcing();
  store.setState({ tabMovesFocus: false });
  expect(await said()).toEqual(['In the editor, Tab now indents']);
  store.setState({ tabMovesFocus: true });
  expect(await said()).toEqual(['In the editor, Tab now moves focus']);
});
