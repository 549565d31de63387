/**
 * The resizable layout: columns of stacked panes with separators between them. Separators are
 * focusable and move with the arrow keys (Shift for bigger steps), as the ARIA window splitter
 * pattern describes; dragging moves them with the pointer. A collapsed pane keeps only its title
 * bar; a maximised pane fills the whole area until it is restored.
 */
import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { PANEL_TITLES, resizeColumns, resizeRows, type LayoutState, type PanelId } from './layout';

interface Props {
  layout: LayoutState;
  onChange: (l: LayoutState) => void;
  render: (id: PanelId) => ReactNode;
}

function Separator(props: {
  vertical: boolean;
  label: string;
  value: number;
  onMove: (delta: number) => void;
  span: () => number;
}) {
  const start = useRef<{ pos: number; moved: number } | null>(null);
  const onKey = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 0.1 : 0.02;
    const back = props.vertical ? 'ArrowLeft' : 'ArrowUp';
    const fwd = props.vertical ? 'ArrowRight' : 'ArrowDown';
    if (e.key === back) props.onMove(-step);
    else if (e.key === fwd) props.onMove(step);
    else return;
    e.preventDefault();
  };
  const onDown = (e: PointerEvent) => {
    (e.target as Element).setPointerCapture(e.pointerId);
    start.current = { pos: props.vertical ? e.clientX : e.clientY, moved: 0 };
  };
  const onMovePtr = (e: PointerEvent) => {
    const s = start.current;
    if (!s) return;
    const pos = props.vertical ? e.clientX : e.clientY;
    const total = (pos - s.pos) / Math.max(1, props.span());
    props.onMove(total - s.moved);
    s.moved = total;
  };
  return (
    <div
      role="separator"
      aria-orientation={props.vertical ? 'vertical' : 'horizontal'}
      aria-label={props.label}
      aria-valuenow={Math.round(props.value * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
      tabIndex={0}
      className={props.vertical ? 'sep sep-v' : 'sep sep-h'}
      onKeyDown={onKey}
      onPointerDown={onDown}
      onPointerMove={onMovePtr}
      onPointerUp={() => (start.current = null)}
    />
  );
}

export function Layout({ layout, onChange, render }: Props) {
  const root = useRef<HTMLDivElement>(null);
  const cols = useRef<(HTMLDivElement | null)[]>([]);
  if (layout.maximized) {
    return (
      <div className="layout maximized" ref={root}>
        <div className="cell" style={{ flexGrow: 1 }}>
          {render(layout.maximized)}
        </div>
      </div>
    );
  }
  const items: ReactNode[] = [];
  layout.columns.forEach((col, c) => {
    if (c > 0) {
      const prev = layout.columns[c - 1];
      items.push(
        <Separator
          key={`sc${c}`}
          vertical
          label={`Resize ${PANEL_TITLES[prev.panels[0]]} and ${PANEL_TITLES[col.panels[0]]} columns`}
          value={prev.size}
          onMove={(d) => onChange(resizeColumns(layout, c - 1, d))}
          span={() => root.current?.clientWidth ?? 1}
        />,
      );
    }
    const rows: ReactNode[] = [];
    // flex-grow factors that add up to less than 1 leave space empty: share it among the expanded
    const open = col.sizes.reduce((a, x, r) => (layout.collapsed.includes(col.panels[r]) ? a : a + x), 0) || 1;
    // the last expanded pane above: a separator goes between two expanded panes
    let above = -1;
    col.panels.forEach((p, r) => {
      const collapsed = layout.collapsed.includes(p);
      if (!collapsed && above >= 0) {
        const i = above;
        rows.push(
          <Separator
            key={`sr${r}`}
            vertical={false}
            label={`Resize ${PANEL_TITLES[col.panels[i]]} and ${PANEL_TITLES[p]}`}
            value={col.sizes[i]}
            onMove={(d) => onChange(resizeRows(layout, c, i, d, r))}
            span={() => cols.current[c]?.clientHeight ?? 1}
          />,
        );
      }
      if (!collapsed) above = r;
      rows.push(
        <div key={p} className={collapsed ? 'cell collapsed' : 'cell'} style={collapsed ? undefined : { flexGrow: col.sizes[r] / open, flexBasis: 0 }}>
          {render(p)}
        </div>,
      );
    });
    items.push(
      <div key={`c${c}`} className="column" ref={(el) => void (cols.current[c] = el)} style={{ flexGrow: col.size, flexBasis: 0 }}>
        {rows}
      </div>,
    );
  });
  return (
    <div className="layout" ref={root}>
      {items}
    </div>
  );
}
