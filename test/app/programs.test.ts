/** Every program of a tail-call set on screen: the setup's other programs come with the load, and a run is followed into them. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lessonById } from '../../src/lessons';
import { TCP_SYN, UDP_DNS } from '../../src/lessons/frames';
import { mergePersisted, pickPersisted } from '../../app/store/persist';
import { selectCurrentPc, selectRunningOther, selectStatesAtPc } from '../../app/store/selectors';
import { ide } from './ide';
import { statesAt } from '../../src/protocol';

describe('a tail-call set', () => {
  test('the load carries the other programs: text, lines and verifier states', async () => {
    const a = ide();
    await a.io.openLesson(lessonById('tail-calls')!);
    expect(await a.actions.load()).toBe(true);
    const others = a.s().load!.others!;
    expect(others.map((o) => o.name)).toEqual(['tcp', 'udp']);
    const tcp = others[0];
    expect(tcp.text).toContain('r0 = -1');
    // line 4 of its text is its first instruction; the verifier saw r1 = ctx there
    expect(tcp.program.lines[0]).toBe(4);
    expect(statesAt(tcp.analysis, 0)![0].regs).toContainEqual({ reg: 1, type: 'ctx' });
    expect(tcp.progId).not.toBe(a.s().load!.progId);
  });

  test('stepping follows the run into the tail-called program: its line, its tab, its register types', async () => {
    const a = ide();
    await a.io.openLesson(lessonById('tail-calls')!);
    await a.actions.step();
    const main = a.s().load!.progId;
    expect(a.s().programTab).toBeNull();
    while (a.s().snap!.progId === main && a.s().snap!.state === 'paused') await a.actions.step();
    const snap = a.s().snap!;
    expect(snap).toMatchObject({ state: 'paused', progName: 'tcp', pc: 0, line: 4 });
    expect(selectRunningOther(a.s())?.name).toBe('tcp');
    expect(a.s().programTab).toBe('tcp');
    // the main program's editor shows no current line; the registers panel gets tcp's types
    expect(selectCurrentPc(a.s())).toBeNull();
    expect(selectStatesAtPc(a.s())![0].regs).toContainEqual({ reg: 1, type: 'ctx' });
    // the user may look at another tab while paused there; stepping on in tcp keeps it
    a.actions.showProgram(null);
    await a.actions.step();
    expect(a.s().programTab).toBeNull();
    expect(a.s().snap!.line).toBe(5);
    // stepping back into the main program follows it back
    await a.actions.stepBack(2);
    expect(a.s().snap!.progId).toBe(main);
    expect(a.s().programTab).toBeNull();
    await a.actions.step();
    expect(a.s().programTab).toBe('tcp');
    // Stop: no run to follow, the editor shows the edited program again
    await a.actions.stop();
    expect(a.s().programTab).toBeNull();
  });
});

describe("the prog_array's slots", () => {
  test('filled slots come first, then the empty ones, page by page', async () => {
    const a = ide();
    await a.io.openLesson(lessonById('tail-calls')!);
    await a.actions.load();
    const jmp = a.s().maps.find((m) => m.name === 'jmp_table')!;
    const page = async (offset: number, limit: number) => {
      const r = await a.api.mapEntries({ mapId: jmp.id, offset, limit });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.total).toBe(32);
      return r.value.entries.map((e) => [e.key[0], e.prog?.name ?? null]);
    };
    expect(await page(0, 4)).toEqual([[6, 'tcp'], [17, 'udp'], [0, null], [1, null]]);
    expect(await page(2, 5)).toEqual([[0, null], [1, null], [2, null], [3, null], [4, null]]);
    expect(await page(7, 2)).toEqual([[5, null], [7, null]]); // slot 6 came first
    expect(await page(29, 10)).toEqual([[29, null], [30, null], [31, null]]);
    const all = (await page(0, 100)).map(([k]) => k);
    expect(new Set(all).size).toBe(32);
  });
});

describe('an object opened whole', () => {
  const bytes = () => new Uint8Array(readFileSync('test/fixtures/elf/tc_tail.o'));

  test('its programs load together, wired by section name, and its tail calls run', async () => {
    const a = ide();
    expect(await a.io.openObject('tc_tail.o', bytes())).toBe(true);
    expect(a.s().objectChoice?.set?.slots.map((s) => s.index)).toEqual([6, 17]);
    await a.io.chooseObjectProgram('all');
    expect(a.s().text).toContain('section classifier of a clang object, the entry of its tail-call set');
    expect(a.s().notices.at(-1)?.text).toBe('Opened tc_tail.o whole: cls_entry in the editor, tcp_prog in slot 6 of jmp_tc, udp_prog in slot 17 of jmp_tc.');
    expect(await a.actions.load()).toBe(true);
    expect(a.s().load!.others!.map((o) => o.name)).toEqual(['tcp_prog', 'udp_prog']);
    expect(a.s().load!.setupProblems).toBeUndefined();
    // TCP goes to tcp_prog (TC_ACT_OK, counts[0] + 1), UDP to udp_prog (TC_ACT_RECLASSIFY, counts[1] + 1)
    for (const [packet, prog, retval] of [
      [TCP_SYN, 'tcp_prog', 0],
      [UDP_DNS, 'udp_prog', 1],
    ] as const) {
      a.actions.setInput({ packetHex: packet });
      await a.actions.run();
      expect(a.s().snap).toMatchObject({ state: 'exited', progName: prog, result: { retval } });
      expect(a.s().programTab).toBe(prog);
    }
    const counts = a.s().maps.find((m) => m.name === 'counts')!;
    const page = await a.api.mapEntries({ mapId: counts.id, offset: 0, limit: 10 });
    expect(page.ok && page.value.entries.map((e) => e.value?.[0])).toEqual([1, 1]);
  });

  test('the set survives a reload and a new Load; opening a lesson drops it', async () => {
    const a = ide();
    await a.io.openObject('tc_tail.o', bytes());
    await a.io.chooseObjectProgram('all');
    const back = mergePersisted(JSON.parse(JSON.stringify(pickPersisted(a.s()))), a.s());
    expect(back.tailSet).toEqual(a.s().tailSet);
    expect(mergePersisted({ tailSet: { progs: [{ name: 1 }] } }, a.s()).tailSet).toBeNull();
    await a.io.openLesson(lessonById('tail-calls')!);
    expect(a.s().tailSet).toBeNull();
  });
});

describe('a share link of a tail-call set (format v2)', () => {
  test('carries every program and slot: the link opens with them, at the same step inside the tail call', async () => {
    const a = ide();
    await a.io.openLesson(lessonById('tail-calls')!);
    await a.actions.step();
    while (a.s().snap!.progName !== 'tcp') await a.actions.step();
    const r = await a.io.shareFragment();
    if ('error' in r) throw new Error(r.error);
    expect(r.fragment).toMatch(/^v2\./);
    expect(r.warning).toBeUndefined();
    const b = ide();
    expect(await b.io.openShared(r.fragment)).toBe(true);
    expect(b.s().lesson).toBeNull();
    expect(b.s().tailSet).toEqual(a.s().lesson!.setup);
    expect(b.s().load!.others!.map((o) => o.name)).toEqual(['tcp', 'udp']);
    expect(b.s().snap).toMatchObject({ step: a.s().snap!.step, progName: 'tcp', line: 4 });
    expect(b.s().programTab).toBe('tcp');
    await b.actions.continueRun();
    expect(b.s().snap).toMatchObject({ state: 'exited', result: { retval: 0xffffffff } });
  });
});
