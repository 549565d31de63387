/** Every program of a tail-call set on screen: the setup's other programs come with the load, and a run is followed into them. */
import { describe, expect, test } from 'vitest';
import { lessonById } from '../../src/lessons';
import { selectCurrentPc, selectRunningOther, selectStatesAtPc } from '../../app/store/selectors';
import { ide } from './ide';

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
    expect(tcp.analysis!.states[0][0].regs).toContainEqual({ reg: 1, type: 'ctx' });
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
  });
});
