import { describe, expect, test } from 'vitest';
import { makeStore, memoryStorage } from '../../app/store/store';
import { STORAGE_KEY } from '../../app/store/persist';
import { makeActions } from '../../app/store/actions';
import { breakpointPcs, loadSignature, selectStale } from '../../app/store/selectors';
import { appendTerm, reconcileTrace, type TermState } from '../../app/store/terminal';
import { DEFAULT_LAYOUT, MIN, PANEL_IDS, PHONE_TABS, isShown, moveBoundary, panesOfTab, reveal, toggleCollapsed, toggleMaximized, validLayout } from '../../app/ui/layout';
import { Session } from '../../src/session';
import { fail, type LoadResult } from '../../src/protocol';

describe('what survives a reload', () => {
  test('text, settings, breakpoints and layout come back', () => {
    const storage = memoryStorage();
    const a = makeStore(storage);
    const layout = { ...DEFAULT_LAYOUT, columns: DEFAULT_LAYOUT.columns.map((c, i) => (i === 0 ? { ...c, size: 0.5 } : { ...c, size: 0.25 })), collapsed: ['stack' as const], maximized: 'registers' as const };
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
  test('a boundary moves between two panes with collapsed ones between', () => {
    const s = moveBoundary([0.4, 0.2, 0.4], 0, 0.1, 2);
    expect(s).toEqual([expect.closeTo(0.5), 0.2, expect.closeTo(0.3)]);
  });
  test('a persisted layout without a pane gets it in its default column; unknown and repeated panes go', () => {
    const l = validLayout({
      columns: [
        { size: 2, panels: ['editor', 'cfg', 'editor'], sizes: [0.5, 0.3, 0.2] },
        { size: 1, panels: ['registers', 'stack'], sizes: [0.5, 0.5] },
      ],
      collapsed: ['terminal', 'nonsense'],
      maximized: 'nonsense',
    });
    expect(l.columns.map((c) => c.panels)).toEqual([['editor', 'verifier', 'graph'], ['registers', 'stack', 'context', 'maps', 'terminal']]);
    expect(l.columns.map((c) => c.size)).toEqual([expect.closeTo(2 / 3), expect.closeTo(1 / 3)]);
    for (const c of l.columns) expect(c.sizes.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    // the graph pane was added since: it joins collapsed, as it starts in the default layout
    expect(l.collapsed).toEqual(['terminal', 'graph']);
    expect(l.maximized).toBeNull();
    expect(l.phoneTab).toBe('editor');
  });
  test('malformed layouts give the default', () => {
    for (const bad of [null, 5, { columns: [] }, { columns: [{ size: 'x', panels: [], sizes: [] }] }, { columns: [{ size: 1, panels: ['editor'], sizes: [] }] }]) {
      expect(validLayout(bad)).toBe(DEFAULT_LAYOUT);
    }
  });
  test('collapse, maximise, restore and reveal', () => {
    const l = DEFAULT_LAYOUT;
    expect(l.collapsed).toEqual(['graph', 'terminal']);
    expect(isShown(l, 'terminal')).toBe(false);
    const c = toggleCollapsed(l, 'stack');
    expect(c.collapsed).toEqual(['graph', 'terminal', 'stack']);
    expect(toggleCollapsed(c, 'stack').collapsed).toEqual(['graph', 'terminal']);
    const m = toggleMaximized(c, 'stack');
    expect(m.maximized).toBe('stack');
    expect(m.collapsed).toEqual(['graph', 'terminal']);
    expect(isShown(m, 'editor')).toBe(false);
    expect(toggleMaximized(m, 'stack').maximized).toBeNull();
    const r = reveal(m, 'terminal');
    expect(r.maximized).toBeNull();
    expect(isShown(r, 'terminal')).toBe(true);
    expect(reveal(r, 'terminal')).toBe(r);
  });
  test('the default layout has every pane once and phone tabs cover them all', () => {
    const all = DEFAULT_LAYOUT.columns.flatMap((c) => c.panels);
    expect([...all].sort()).toEqual([...PANEL_IDS].sort());
    expect(PHONE_TABS.flatMap((t) => panesOfTab(t.id)).sort()).toEqual([...PANEL_IDS].sort());
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
