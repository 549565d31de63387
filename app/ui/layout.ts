/**
 * The panel layout as data. On a wide screen: columns of stacked panes, each size a fraction of
 * its parent; a pane can be collapsed to its title bar, and one pane can be maximised over the
 * whole area. On a narrow screen (a phone): one pane group at a time, chosen by tabs.
 *
 * Adding a pane: give it an entry in PANES (its title, the column it starts in, its phone tab)
 * and a view in app/panes.tsx. A persisted layout from before the pane existed gets it in its
 * default column, so nobody's layout is reset.
 *
 * Resizing moves the boundary between two neighbours and keeps every pane at least MIN wide or
 * tall; the result persists in localStorage, so it is validated when read back.
 */

export type PhoneTab = 'editor' | 'log' | 'state' | 'maps' | 'terminal';

interface PaneDef {
  title: string;
  /** the column (0-based) it starts in on a wide screen */
  column: number;
  /** its share of that column's height in the default layout */
  size: number;
  /** the phone tab that shows it */
  phone: PhoneTab;
  /** collapsed to its title bar in the default layout */
  collapsed?: boolean;
}

/** Every pane, in default order (top to bottom within a column). */
const PANES = {
  editor: { title: 'Editor', column: 0, size: 0.62, phone: 'editor' },
  verifier: { title: 'Verifier log', column: 0, size: 0.38, phone: 'log' },
  // collapsed at first: the graph's chunk (elkjs, @xyflow/react) loads when it is shown with a walk to draw
  graph: { title: 'Exploration graph', column: 0, size: 0.4, phone: 'log', collapsed: true },
  registers: { title: 'Registers', column: 1, size: 0.5, phone: 'state' },
  stack: { title: 'Stack', column: 1, size: 0.5, phone: 'state' },
  context: { title: 'Context', column: 2, size: 0.45, phone: 'state' },
  maps: { title: 'Maps', column: 2, size: 0.55, phone: 'maps' },
  // collapsed at first: the terminal (and its chunk) loads when it is first shown
  terminal: { title: 'Terminal', column: 2, size: 0.3, phone: 'terminal', collapsed: true },
} satisfies Record<string, PaneDef>;

export type PanelId = keyof typeof PANES;

export const PANEL_IDS = Object.keys(PANES) as PanelId[];

export const PANEL_TITLES: Record<PanelId, string> = Object.fromEntries(PANEL_IDS.map((id) => [id, PANES[id].title])) as Record<PanelId, string>;

export const PHONE_TABS: { id: PhoneTab; title: string }[] = [
  { id: 'editor', title: 'Editor' },
  { id: 'log', title: 'Log' },
  { id: 'state', title: 'State' },
  { id: 'maps', title: 'Maps' },
  { id: 'terminal', title: 'Terminal' },
];

/** The panes a phone tab shows, in order. */
export const panesOfTab = (t: PhoneTab): PanelId[] => PANEL_IDS.filter((id) => (PANES[id] as PaneDef).phone === t);

interface Column {
  /** fraction of the width */
  size: number;
  panels: PanelId[];
  /** fractions of the column's height, one per panel */
  sizes: number[];
}

export interface LayoutState {
  columns: Column[];
  /** panes shown as their title bar only */
  collapsed: PanelId[];
  /** a pane shown over the whole layout, if any */
  maximized: PanelId | null;
  /** the pane group a phone shows */
  phoneTab: PhoneTab;
}

export const MIN = 0.08;

const COLUMN_SIZES = [0.4, 0.26, 0.34];

/** Fractions that add up to 1 (left as they are when they already do). */
const normalise = (xs: number[]): number[] => {
  const t = xs.reduce((a, b) => a + b, 0);
  return Math.abs(t - 1) < 1e-9 ? xs : xs.map((x) => x / t);
};

function defaultLayout(): LayoutState {
  const columns: Column[] = COLUMN_SIZES.map((size) => ({ size, panels: [], sizes: [] }));
  for (const id of PANEL_IDS) {
    const def: PaneDef = PANES[id];
    columns[def.column].panels.push(id);
    columns[def.column].sizes.push(def.size);
  }
  for (const c of columns) c.sizes = normalise(c.sizes);
  return { columns, collapsed: PANEL_IDS.filter((id) => (PANES[id] as PaneDef).collapsed), maximized: null, phoneTab: 'editor' };
}

export const DEFAULT_LAYOUT: LayoutState = defaultLayout();

/**
 * Moves the boundary between items `i` and `j` of `sizes` (the next one by default; a later one
 * when the panes between are collapsed) by `delta` (a fraction), within the minimum sizes.
 */
export function moveBoundary(sizes: readonly number[], i: number, delta: number, j = i + 1): number[] {
  const out = [...sizes];
  if (i < 0 || j <= i || j >= out.length) return out;
  const total = out[i] + out[j];
  const a = Math.min(Math.max(out[i] + delta, MIN), total - MIN);
  out[i] = a;
  out[j] = total - a;
  return out;
}

export function resizeColumns(l: LayoutState, i: number, delta: number): LayoutState {
  const sizes = moveBoundary(l.columns.map((c) => c.size), i, delta);
  return { ...l, columns: l.columns.map((c, k) => ({ ...c, size: sizes[k] })) };
}

export function resizeRows(l: LayoutState, col: number, i: number, delta: number, j = i + 1): LayoutState {
  return { ...l, columns: l.columns.map((c, k) => (k === col ? { ...c, sizes: moveBoundary(c.sizes, i, delta, j) } : c)) };
}

/** Collapses a pane to its title bar, or expands it (a maximised pane is restored first). */
export function toggleCollapsed(l: LayoutState, id: PanelId): LayoutState {
  const collapsed = l.collapsed.includes(id) ? l.collapsed.filter((x) => x !== id) : [...l.collapsed, id];
  return { ...l, collapsed, maximized: l.maximized === id ? null : l.maximized };
}

/** Maximises a pane over the whole layout, or restores the layout if it is the maximised one. */
export function toggleMaximized(l: LayoutState, id: PanelId): LayoutState {
  if (l.maximized === id) return { ...l, maximized: null };
  return { ...l, maximized: id, collapsed: l.collapsed.filter((x) => x !== id) };
}

/** Shows a pane: expands it, and restores the layout if another pane is maximised. */
export function reveal(l: LayoutState, id: PanelId): LayoutState {
  if (!l.collapsed.includes(id) && (l.maximized === null || l.maximized === id)) return l;
  return { ...l, collapsed: l.collapsed.filter((x) => x !== id), maximized: l.maximized === id ? id : null };
}

/** Whether a pane is on screen (not collapsed, not hidden behind a maximised one). */
export const isShown = (l: LayoutState, id: PanelId): boolean => !l.collapsed.includes(id) && (l.maximized === null || l.maximized === id);

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPane = (x: unknown): x is PanelId => typeof x === 'string' && Object.hasOwn(PANES, x);

/**
 * A persisted layout, repaired where it can be: unknown panes are dropped, panes it does not
 * have (added since) join their default column, sizes are renormalised. Anything malformed
 * gives the default.
 */
export function validLayout(x: unknown): LayoutState {
  if (!isObj(x) || !Array.isArray(x.columns) || x.columns.length === 0) return DEFAULT_LAYOUT;
  const seen = new Set<PanelId>();
  const columns: Column[] = [];
  for (const c of x.columns) {
    if (!isObj(c) || typeof c.size !== 'number' || !(c.size > 0) || !Array.isArray(c.panels) || !Array.isArray(c.sizes) || c.panels.length !== c.sizes.length) return DEFAULT_LAYOUT;
    const panels: PanelId[] = [];
    const sizes: number[] = [];
    const given = c.sizes as unknown[];
    c.panels.forEach((p, i) => {
      const s = given[i];
      if (isPane(p) && !seen.has(p) && typeof s === 'number' && s >= MIN / 2) {
        seen.add(p);
        panels.push(p);
        sizes.push(s);
      }
    });
    columns.push({ size: c.size, panels, sizes });
  }
  for (const id of PANEL_IDS) {
    if (seen.has(id)) continue;
    const def: PaneDef = PANES[id];
    const col = columns[Math.min(def.column, columns.length - 1)];
    col.panels.push(id);
    col.sizes.push(def.size);
  }
  const kept = columns.filter((c) => c.panels.length > 0);
  const widths = normalise(kept.map((c) => c.size));
  const out = kept.map((c, i) => ({ size: widths[i], panels: c.panels, sizes: normalise(c.sizes) }));
  const keptCollapsed = Array.isArray(x.collapsed) ? x.collapsed.filter(isPane) : DEFAULT_LAYOUT.collapsed;
  // a pane added since starts as it starts in the default layout (collapsed, if it does there)
  const added = PANEL_IDS.filter((id) => !seen.has(id) && (PANES[id] as PaneDef).collapsed);
  const collapsed = [...new Set([...keptCollapsed, ...added])];
  const maximized = isPane(x.maximized) ? x.maximized : null;
  const phoneTab = PHONE_TABS.find((t) => t.id === x.phoneTab)?.id ?? 'editor';
  return { columns: out, collapsed, maximized, phoneTab };
}
