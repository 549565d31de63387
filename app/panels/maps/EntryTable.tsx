/**
 * The entries of one map, virtualized: only the rows on screen exist, fetched from the engine a
 * page at a time and fetched again whenever the store says map contents may have changed.
 */
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useVirtualizer } from '@tanstack/react-virtual';
import { engine, actions, selectFormats, selectMapGen, selectTouched, useApp } from '../../store';
import { bytesHex } from '../../lib/format';
import type { MapEntryView, MapInfo } from '../../../src/protocol';
import { defaultFormat, deletable, editable, keyText, parseEntry, splitPercpu, valueTexts } from './entries';
import { formatValue } from '../../lib/values';
import { layoutOf } from './entries';

const PAGE = 200;
const ROW = 24;

function usePages(m: MapInfo, gen: number) {
  const [pages, setPages] = useState<{ key: string; total: number; data: Map<number, MapEntryView[]> }>({ key: '', total: m.count, data: new Map() });
  const want = `${m.id}:${gen}`;
  const inflight = useRef(new Set<string>());
  const current = pages.key === want ? pages : { key: want, total: pages.key.startsWith(`${m.id}:`) ? pages.total : m.count, data: new Map<number, MapEntryView[]>() };
  const stale = pages.key === want ? null : pages;
  const fetchPage = (p: number) => {
    const id = `${want}/${p}`;
    if (current.data.has(p) || inflight.current.has(id)) return;
    inflight.current.add(id);
    void engine.api.mapEntries({ mapId: m.id, offset: p * PAGE, limit: PAGE }).then((r) => {
      inflight.current.delete(id);
      if (!r.ok) return;
      setPages((prev) => {
        const base = prev.key === want ? prev : { key: want, total: r.value.total, data: new Map<number, MapEntryView[]>() };
        const data = new Map(base.data);
        data.set(p, r.value.entries);
        return { key: want, total: r.value.total, data };
      });
    });
  };
  const row = (i: number): MapEntryView | undefined => current.data.get(Math.floor(i / PAGE))?.[i % PAGE] ?? stale?.data.get(Math.floor(i / PAGE))?.[i % PAGE];
  return { total: current.total, fetchPage, row };
}

function EditRow({ m, e, onDone }: { m: MapInfo; e: MapEntryView; onDone: () => void }) {
  const formats = useApp(selectFormats);
  const f = formats[m.name] ?? defaultFormat(m);
  const [texts, setTexts] = useState(() => splitPercpu(m, e.value ?? new Uint8Array(m.userValueSize)).map((v) => formatValue(v, f.value, layoutOf(f))));
  const [msg, setMsg] = useState<string | null>(null);
  const save = async () => {
    const parsed = parseEntry(m, f, keyText(e, f), texts);
    if (typeof parsed === 'string') return setMsg(parsed);
    const err = await actions.mapUpdate(m.id, parsed.key, parsed.value);
    if (err) setMsg(err);
    else onDone();
  };
  return (
    <form
      className="edit-row"
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
      onKeyDown={(ev) => ev.key === 'Escape' && onDone()}
    >
      {texts.map((t, c) => (
        <input
          key={c}
          autoFocus={c === 0}
          className="mono"
          aria-label={m.ncpus > 1 ? `Value on CPU ${c}` : 'Value'}
          value={t}
          onChange={(ev) => setTexts(texts.map((x, k) => (k === c ? ev.target.value : x)))}
        />
      ))}
      <button type="submit" className="btn small">
        Save
      </button>
      <button type="button" className="btn small" onClick={onDone}>
        Cancel
      </button>
      {msg ? <span role="alert" className="bad small">{msg}</span> : null}
    </form>
  );
}

/**
 * Puts focus on the Edit (else Delete) button of the row with key `khex` (the table itself if
 * there is no such row): where focus goes when an edit ends or an entry is deleted.
 */
function focusRow(table: HTMLElement | null, khex: string | null): void {
  const row = khex === null ? null : table?.querySelector(`[data-key="${khex}"]`);
  (row?.querySelector<HTMLElement>('button[data-action="edit"], button[data-action="delete"]') ?? table)?.focus();
}

export function EntryTable({ m }: { m: MapInfo }) {
  const gen = useApp(selectMapGen);
  const touched = useApp(selectTouched);
  const formats = useApp(selectFormats);
  const f = formats[m.name] ?? defaultFormat(m);
  const scroller = useRef<HTMLDivElement>(null);
  const { total, fetchPage, row } = usePages(m, gen);
  const [editing, setEditing] = useState<string | null>(null);
  const table = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer re-renders through its own state
  const v = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) fetchPage(p);
  });
  const hot = new Set(touched.filter((t) => t.mapId === m.id).map((t) => t.key));
  const cols = m.ncpus > 1 ? Array.from({ length: m.ncpus }, (_, c) => `cpu ${c}`) : ['value'];
  const canEdit = editable(m);
  const grid = { gridTemplateColumns: `minmax(6em, 1fr) repeat(${cols.length}, minmax(8em, 2fr)) ${canEdit ? '8.5em' : ''}` };
  return (
    <div ref={table} tabIndex={-1} role="table" aria-label={`Entries of ${m.name || `map ${m.id}`}`} aria-rowcount={total + 1} className="entries">
      <div role="row" aria-rowindex={1} className="erow ehead" style={grid}>
        <span role="columnheader">key</span>
        {cols.map((c) => (
          <span role="columnheader" key={c}>
            {c}
          </span>
        ))}
        {canEdit ? <span role="columnheader">actions</span> : null}
      </div>
      <div ref={scroller} className="escroll">
        <div role="rowgroup" style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const e = row(it.index);
            const khex = e ? bytesHex(e.key, '') : '';
            const isHot = e && hot.has(khex);
            return (
              <div
                role="row"
                aria-rowindex={it.index + 2}
                // keyed by the entry: when entries shift (one deleted), focus stays with its entry
                key={khex ? `k${khex}` : `i${it.index}`}
                data-key={khex || undefined}
                className={`erow${isHot ? ' touched' : ''}`}
                style={{ ...grid, position: 'absolute', top: 0, left: 0, right: 0, height: it.size, transform: `translateY(${it.start}px)` }}
              >
                {/* restarts the flash at every step that touches the entry, without redrawing the row (its focus stays) */}
                {isHot ? <span key={gen} className="flash" aria-hidden="true" /> : null}
                {!e ? (
                  <span role="cell" className="muted">
                    …
                  </span>
                ) : editing === khex ? (
                  <>
                    <span role="cell" className="mono">{keyText(e, f)}</span>
                    <span role="cell" style={{ gridColumn: `span ${cols.length + 1}` }}>
                      <EditRow
                        m={m}
                        e={e}
                        onDone={() => {
                          // the row's buttons come back at once, and focus goes to its Edit
                          flushSync(() => setEditing(null));
                          focusRow(table.current, khex);
                        }}
                      />
                    </span>
                  </>
                ) : (
                  <>
                    <span role="cell" className="mono">{keyText(e, f)}</span>
                    {valueTexts(m, e, f).map((t, c) => (
                      <span role="cell" key={c} className="mono" title={t}>
                        {t}
                      </span>
                    ))}
                    {canEdit ? (
                      <span role="cell" className="actions">
                        <button type="button" className="link" data-action="edit" aria-label={`Edit entry ${keyText(e, f)}`} onClick={() => setEditing(khex)}>
                          Edit
                        </button>
                        {deletable(m) ? (
                          <button
                            type="button"
                            className="link"
                            data-action="delete"
                            aria-label={`Delete entry ${keyText(e, f)}`}
                            onClick={() => {
                              // focus moves to the entry that takes this one's place (the next, else the previous)
                              const near = row(it.index + 1) ?? row(it.index - 1);
                              void actions.mapDelete(m.id, e.key).then((err) => focusRow(table.current, err ? khex : near ? bytesHex(near.key, '') : null));
                            }}
                          >
                            Delete
                          </button>
                        ) : null}
                      </span>
                    ) : null}
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
