/**
 * The panel layout as data: columns of stacked panels, each size a fraction of its parent.
 * Resizing moves the boundary between two neighbours and keeps every panel at least MIN wide or
 * tall; the result persists in localStorage, so it is validated when read back.
 */

export type PanelId = 'editor' | 'verifier' | 'registers' | 'stack' | 'context' | 'maps' | 'terminal';

export const PANEL_TITLES: Record<PanelId, string> = {
  editor: 'Editor',
  verifier: 'Verifier log',
  registers: 'Registers',
  stack: 'Stack',
  context: 'Context',
  maps: 'Maps',
  terminal: 'Terminal',
};

export interface Column {
  /** fraction of the width */
  size: number;
  panels: PanelId[];
  /** fractions of the column's height, one per panel */
  sizes: number[];
}

export interface LayoutState {
  columns: Column[];
}

export const MIN = 0.08;

export const DEFAULT_LAYOUT: LayoutState = {
  columns: [
    { size: 0.4, panels: ['editor', 'verifier'], sizes: [0.62, 0.38] },
    { size: 0.26, panels: ['registers', 'stack'], sizes: [0.42, 0.58] },
    { size: 0.34, panels: ['context', 'maps', 'terminal'], sizes: [0.36, 0.32, 0.32] },
  ],
};

/** Moves the boundary after item `i` of `sizes` by `delta` (a fraction), within the minimum sizes. */
export function moveBoundary(sizes: readonly number[], i: number, delta: number): number[] {
  const out = [...sizes];
  if (i < 0 || i + 1 >= out.length) return out;
  const total = out[i] + out[i + 1];
  const a = Math.min(Math.max(out[i] + delta, MIN), total - MIN);
  out[i] = a;
  out[i + 1] = total - a;
  return out;
}

export function resizeColumns(l: LayoutState, i: number, delta: number): LayoutState {
  const sizes = moveBoundary(l.columns.map((c) => c.size), i, delta);
  return { columns: l.columns.map((c, k) => ({ ...c, size: sizes[k] })) };
}

export function resizeRows(l: LayoutState, col: number, i: number, delta: number): LayoutState {
  return {
    columns: l.columns.map((c, k) => (k === col ? { ...c, sizes: moveBoundary(c.sizes, i, delta) } : c)),
  };
}

const ALL: PanelId[] = Object.keys(PANEL_TITLES) as PanelId[];

/** A persisted layout if it is well formed (every panel once, sizes that add up), else the default. */
export function validLayout(x: unknown): LayoutState {
  const l = x as LayoutState;
  const ok =
    l &&
    Array.isArray(l.columns) &&
    l.columns.every(
      (c) =>
        c && typeof c.size === 'number' && Array.isArray(c.panels) && Array.isArray(c.sizes) &&
        c.panels.length === c.sizes.length && c.panels.length > 0 && c.sizes.every((s) => typeof s === 'number' && s >= MIN / 2),
    );
  if (!ok) return DEFAULT_LAYOUT;
  const seen = l.columns.flatMap((c) => c.panels);
  if (seen.length !== ALL.length || !ALL.every((p) => seen.includes(p))) return DEFAULT_LAYOUT;
  const near1 = (xs: number[]) => Math.abs(xs.reduce((a, b) => a + b, 0) - 1) < 0.01;
  if (!near1(l.columns.map((c) => c.size)) || !l.columns.every((c) => near1(c.sizes))) return DEFAULT_LAYOUT;
  return l;
}
