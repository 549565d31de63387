/**
 * Every program of a tail-call set on screen: a lesson's programs open as editor tabs, and
 * stepping follows the run into the tail-called one, its line highlighted with the verifier's
 * register types inline, the registers panel typed, and the status naming it.
 */
import { expect, test } from 'vitest';
import { appState, idle, pageForFile, statusText, until } from './harness';

const file = pageForFile();

test('step into a tail-called program: its tab, its line highlighted, its registers typed', async () => {
  const { page } = file.o;
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  await page.getByRole('dialog', { name: 'Lessons' }).getByRole('button', { name: 'Tail calls through a prog_array' }).click();
  await until(async () => ((await appState<string>(page, 'text')) ?? '').includes('bpf_tail_call'), 10_000, 'the lesson');
  const tabs = page.getByRole('tablist', { name: 'Programs' });
  // the first step loads and starts the run; the tabs come with the load
  await page.keyboard.press('F10');
  await tabs.waitFor();
  expect(await tabs.getByRole('tab').allInnerTexts()).toEqual(['main (edited)', 'tcp', 'udp']);
  const main = await appState<number>(page, 'load.progId');
  for (let i = 0; i < 20 && (await appState<number>(page, 'snap.progId')) === main; i++) {
    await page.keyboard.press('F10');
    await until(() => idle(page), 10_000, 'the step');
  }
  expect(await appState(page, 'snap')).toMatchObject({ progName: 'tcp', pc: 0, line: 4, state: 'paused' });
  // the tcp tab is selected and shows its text, line 4 as the current one, with R1's type inline
  await until(async () => (await tabs.getByRole('tab', { name: 'tcp' }).getAttribute('aria-selected')) === 'true', 5000, 'the tcp tab');
  const tcp = page.locator('.editor-host[data-program="tcp"]');
  await tcp.locator('.view-line', { hasText: 'r0 = -1' }).waitFor();
  const pcLine = tcp.locator('.pc-line');
  await pcLine.waitFor();
  const hint = tcp.locator('.reg-hint');
  await until(async () => (await hint.count()) > 0 && (await hint.first().innerText()).includes('R1=ctx'), 5000, 'R1=ctx inline');
  // the highlighted line is the one holding r0 = -1 (same vertical position)
  const lineBox = await tcp.locator('.view-line', { hasText: 'r0 = -1' }).boundingBox();
  const pcBox = await pcLine.boundingBox();
  expect(Math.abs(lineBox!.y - pcBox!.y)).toBeLessThan(2);
  // the main editor is hidden meanwhile, and comes back with its tab
  expect(await page.locator('.editor-host:not([data-program])').isVisible()).toBe(false);
  // the registers panel types r1 as the verifier saw it in tcp
  const regs = page.getByRole('region', { name: 'Registers', exact: true });
  await until(async () => /r1[\s\S]*ctx/.test(await regs.innerText()), 5000, 'r1 typed ctx');
  expect(await statusText(page)).toContain('in tcp, pc 0 (line 4)');
  await tabs.getByRole('tab', { name: 'main (edited)' }).click();
  await page.locator('.editor-host:not([data-program])').waitFor({ state: 'visible' });
  expect(await tcp.count()).toBe(0);
  // the prog_array lists its filled slots first, each a link to its program's tab
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const jmp = await appState<{ id: number; name: string }[]>(page, 'maps');
  await maps.getByRole('combobox', { name: 'Map', exact: true }).selectOption(String(jmp.find((m) => m.name === 'jmp_table')!.id));
  const rows = maps.getByRole('table', { name: 'Entries of jmp_table' }).getByRole('row');
  await until(async () => (await rows.count()) > 3 && /udp/.test(await rows.nth(2).innerText()), 5000, 'the filled slots on top');
  expect((await rows.nth(1).innerText()).replace(/\s+/g, ' ')).toMatch(/^6 prog \d+ tcp$/);
  await rows.nth(2).getByRole('button', { name: /udp: show it in the editor/ }).click();
  await until(async () => (await tabs.getByRole('tab', { name: 'udp' }).getAttribute('aria-selected')) === 'true', 5000, 'the udp tab');
  await page.locator('.editor-host[data-program="udp"] .view-line', { hasText: 'r0 = 28' }).waitFor();
});

test('an object with several sections opens whole and runs its tail calls', async () => {
  const { page } = file.o;
  await page.getByLabel('Open object').setInputFiles('test/fixtures/elf/tc_tail.o');
  const choose = page.getByRole('dialog', { name: 'Choose a program' });
  await choose.getByRole('button', { name: 'All 3 programs, tail calls wired' }).click();
  await until(async () => ((await appState<string>(page, 'text')) ?? '').includes('the entry of its tail-call set'), 5000, 'the entry program');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState<string>(page, 'snap.state')) === 'exited' && (await idle(page)), 10_000, 'the run to end');
  // the default input is a TCP packet: the classifier tail-called tcp_prog, which returned TC_ACT_OK
  expect(await appState(page, 'snap')).toMatchObject({ progName: 'tcp_prog', result: { retval: 0 } });
  const tabs = page.getByRole('tablist', { name: 'Programs' });
  expect(await tabs.getByRole('tab').allInnerTexts()).toEqual(['cls_entry (edited)', 'tcp_prog', 'udp_prog']);
  expect(await tabs.getByRole('tab', { name: 'tcp_prog' }).getAttribute('aria-selected')).toBe('true');
  expect(await statusText(page)).toContain('in tcp_prog');
});

test("each program of the set has its own verifier log at the chosen log_level; the entry's empty slot is explained", async () => {
  const { page } = file.o;
  await page.getByLabel('Open object').setInputFiles('test/fixtures/elf/tc_tail.o');
  await page.getByRole('dialog', { name: 'Choose a program' }).getByRole('button', { name: 'All 3 programs, tail calls wired' }).click();
  await until(async () => ((await appState<string>(page, 'text')) ?? '').includes('the entry of its tail-call set'), 5000, 'the entry program');
  const log = page.getByRole('region', { name: 'Verifier log' });
  await log.getByRole('combobox', { name: 'Log level' }).selectOption('2');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => ((await appState<unknown[]>(page, 'load.programLogs')) ?? []).length === 2 && (await idle(page)), 10_000, 'the load');
  const picker = log.getByRole('combobox', { name: 'Program' });
  expect(await picker.locator('option').allInnerTexts()).toEqual(['cls_entry (edited), sched_cls', 'tcp_prog, sched_cls', 'udp_prog, sched_cls']);
  // the edited program's log first
  expect(await log.locator('.verdict').innerText()).toMatch(/^Accepted: prog id \d+/);
  await picker.selectOption({ label: 'tcp_prog, sched_cls' });
  const lines = log.getByRole('list', { name: 'Log lines of tcp_prog' });
  await lines.waitFor();
  const tcp = await appState<{ progId: number; log: string }>(page, 'load.programLogs.0');
  expect(await log.locator('.verdict').innerText()).toBe(`tcp_prog: Accepted: prog id ${tcp.progId}`);
  const text = await lines.innerText();
  // its own log, at level 2 (a state line before each instruction), not the entry's
  expect(text).toMatch(/^0: R1=ctx R10=fp$/m);
  expect(text).toMatch(/processed \d+ insns/);
  expect(text).not.toContain('call 12');
  expect(tcp.log).toContain(text.split('\n')[0]);
  // back to the edited program's
  await picker.selectOption({ index: 0 });
  await log.getByRole('list', { name: /^Log lines \(arrow keys/ }).waitFor();
  expect(await log.getByRole('list', { name: /^Log lines \(arrow keys/ }).innerText()).toContain('(85) call 12');
  // the prog_array says why the entry is in no slot
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const all = await appState<{ id: number; name: string }[]>(page, 'maps');
  await maps.getByRole('combobox', { name: 'Map', exact: true }).selectOption(String(all.find((m) => m.name === 'jmp_tc')!.id));
  expect(await maps.getByRole('note', { name: "The entry program's slot" }).innerText()).toMatch(/cls_entry, the entry, is in no slot: its section classifier names none/);
  await log.getByRole('combobox', { name: 'Log level' }).selectOption('1');
});

test('an object of several program types opens whole: each program loads with its own type, and the kernel refuses a kprobe in a socket filter prog_array', async () => {
  const { page } = file.o;
  await page.getByLabel('Open object').setInputFiles('test/fixtures/elf/mixed_types.o');
  await page.getByRole('dialog', { name: 'Choose a program' }).getByRole('button', { name: 'All 4 programs, tail calls wired' }).click();
  await until(async () => ((await appState<string>(page, 'text')) ?? '').includes('section socket/0'), 5000, 'the entry program');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => ((await appState<unknown[]>(page, 'load.programLogs')) ?? []).length === 3 && (await idle(page)), 10_000, 'the load');
  expect(await appState<boolean>(page, 'load.ok')).toBe(true);
  const tabs = page.getByRole('tablist', { name: 'Programs' });
  await tabs.waitFor();
  // a program of another type than the edited one says its type
  expect(await tabs.getByRole('tab').allInnerTexts()).toEqual(['sock_entry (edited)', 'sock_next', 'probe (kprobe)', 'on_switch (tracepoint)']);
  await page.locator('.toast.error').filter({ hasText: 'slot 2 of jmp_table: BPF_MAP_UPDATE_ELEM gave EINVAL (a prog_array holds programs of one type: this one holds socket_filter programs, and the program is a kprobe one)' }).waitFor();
  const log = page.getByRole('region', { name: 'Verifier log' });
  const picker = log.getByRole('combobox', { name: 'Program' });
  expect(await picker.locator('option').allInnerTexts()).toEqual(['sock_entry (edited), socket_filter', 'sock_next, socket_filter', 'probe, kprobe', 'on_switch, tracepoint']);
  await picker.selectOption({ label: 'on_switch, tracepoint' });
  await log.getByRole('list', { name: 'Log lines of on_switch' }).waitFor();
  expect(await log.locator('.verdict').innerText()).toMatch(/^on_switch: Accepted: prog id \d+$/);
  // a run follows the socket filters' tail call: slot 1 holds sock_next
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState<string>(page, 'snap.state')) === 'exited' && (await idle(page)), 10_000, 'the run to end');
  expect(await appState<string>(page, 'snap.progName')).toBe('sock_next');
});
