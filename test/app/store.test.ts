import { describe, expect, test } from 'vitest';
import { makeStore, memoryStorage } from '../../app/store/store';
import { STORAGE_KEY } from '../../app/store/persist';
import { makeActions } from '../../app/store/actions';
import { breakpointPcs, loadSignature, selectStale } from '../../app/store/selectors';
import { appendTerm, reconcileTrace, type TermState } from '../../app/store/terminal';
import { DEFAULT_LAYOUT, MIN, moveBoundary, validLayout } from '../../app/ui/layout';
import { Session } from '../../src/session';
import { fail, type LoadResult } from '../../src/protocol';

describe('what survives a reload', () => {
  test('text, settings, breakpoints and layout come back', () => {
    const storage = memoryStorage();
    const a = makeStore(storage);
    const layout = { columns: DEFAULT_LAYOUT.columns.map((c, i) => (i === 0 ? { ...c, size: 0.5 } : { ...c, size: 0.25 })) };
    a.setState({ text: 'r0 = 0\nexit\n', logLevel: 2, breakpoints: [2], layout, privileged: false });
    const b = makeStore(storage).getState();
    expect(b.text).toBe('r0 = 0\nexit\n');
    expect(b.logLevel).toBe(2);
    expect(b.breakpoints).toEqual([2]);
    expect(b.privileged).toBe(false);
    expect(b.layout).toEqual(layout);
  });
  test('the run itself is not persisted', () => {
    const storage = memoryStorage();
    makeStore(storage).setState({ busy: 'running', notices: [{ id: 1, kind: 'info', text: 'x' }] });
    expect(makeStore(storage).getState().busy).toBe('idle');
    expect(makeStore(storage).getState().notices).toEqual([]);
  });
  test.each([
    ['not json', '{'],
    ['another version', JSON.stringify({ version: 99, state: { text: 'x' } })],
    ['wrong types', JSON.stringify({ version: 1, state: { text: 5, logLevel: 7, breakpoints: ['a', 3], layout: { columns: [] } } })],
  ])('a corrupt entry (%s) falls back field by field', (_, raw) => {
    const storage = memoryStorage();
    storage.setItem(STORAGE_KEY, raw);
    const s = makeStore(storage).getState();
    expect(typeof s.text).toBe('string');
    expect([0, 1, 2]).toContain(s.logLevel);
    expect(s.layout).toEqual(DEFAULT_LAYOUT);
    expect(s.breakpoints.every((n) => Number.isInteger(n))).toBe(true);
  });
});

describe('the terminal follows the run', () => {
  const t0: TermState = appendTerm({ entries: [], epoch: 0 }, { kind: 'cmd', text: 'ls' }, { kind: 'out', text: 'x' });
  const trace = [
    { step: 3, line: 'a' },
    { step: 7, line: 'b' },
  ];
  test('forward appends, with the step that printed', () => {
    const t = reconcileTrace(t0, 1, trace);
    expect(t.entries.slice(2)).toEqual([
      { kind: 'trace', text: 'a', run: 1, step: 3 },
      { kind: 'trace', text: 'b', run: 1, step: 7 },
    ]);
    expect(t.epoch).toBe(0);
    expect(reconcileTrace(t, 1, trace)).toBe(t);
  });
  test('back removes the newest lines of that run and asks for a redraw', () => {
    const t = reconcileTrace(reconcileTrace(t0, 1, trace), 1, trace.slice(0, 1));
    expect(t.entries.map((e) => e.text)).toEqual(['ls', 'x', 'a']);
    expect(t.epoch).toBe(1);
  });
  test('an earlier run keeps its lines', () => {
    const t = reconcileTrace(reconcileTrace(t0, 1, trace), 2, []);
    expect(t.entries.filter((e) => e.run === 1)).toHaveLength(2);
  });
});

describe('layout', () => {
  test('a boundary moves within the minimum and keeps the total', () => {
    const s = moveBoundary([0.5, 0.3, 0.2], 1, 0.5);
    expect(s[1] + s[2]).toBeCloseTo(0.5);
    expect(s[2]).toBeCloseTo(MIN);
    expect(moveBoundary([0.5, 0.5], 0, -1)[0]).toBeCloseTo(MIN);
  });
  test('a layout missing a panel is replaced by the default', () => {
    expect(validLayout({ columns: [{ size: 1, panels: ['editor'], sizes: [1] }] })).toBe(DEFAULT_LAYOUT);
  });
});

describe('breakpoints and staleness', () => {
  const program = { slots: 4, lines: [3, 4, null, 6], text: [], labels: {}, maps: [], directives: {} };
  const load: LoadResult = { stage: 'load', diagnostics: [], ok: true, errno: 0, errnoName: '', log: '', logTruncated: false, progId: 1, progType: 3, program, maps: [] };
  test('breakpoint lines map to the slots on them', () => {
    const store = makeStore();
    store.setState({ load, breakpoints: [4, 6, 9] });
    expect(breakpointPcs(store.getState())).toEqual([1, 3]);
  });
  test('an edit after Load makes the program stale', () => {
    const store = makeStore();
    store.setState({ load, loadedSig: loadSignature(store.getState()) });
    expect(selectStale(store.getState())).toBe(false);
    store.setState({ text: store.getState().text + '\n' });
    expect(selectStale(store.getState())).toBe(true);
  });
});

describe('actions over the session', () => {
  test('a request the engine cannot serve becomes a notice, never a fake result', async () => {
    const store = makeStore();
    const api = new Session();
    api.load = async () => fail('internal', 'the verifier is not available yet');
    const actions = makeActions(store, { api });
    expect(await actions.load()).toBe(false);
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'error', text: 'the verifier is not available yet' });
    expect(store.getState().load).toBeNull();
    expect(store.getState().loadedSig).toBeNull();
    expect(store.getState().loading).toBe(false);
  });
  test('toggling a breakpoint twice removes it', () => {
    const store = makeStore();
    const actions = makeActions(store, { api: new Session() });
    actions.toggleBreakpoint(5);
    actions.toggleBreakpoint(2);
    expect(store.getState().breakpoints).toEqual([2, 5]);
    actions.toggleBreakpoint(5);
    expect(store.getState().breakpoints).toEqual([2]);
  });
});
