/**
 * A packet capture replayed through the loaded program: counts per verdict and a virtualized
 * table of every packet's verdict and return value (a million rows stay smooth). Choosing a
 * packet starts a debug run on it, paused before the first instruction.
 */
import { useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { actions, io, selectBusy, selectCapture, useApp } from '../../store';
import { focusFirst } from '../../ui/focus';
import { NO_TIME, type CaptureReplay } from '../../../src/protocol';

const ROW = 24;

/** The first time the capture gives (times show relative to it), or null when no packet has one. */
function firstTime(r: CaptureReplay): bigint | null {
  for (const t of r.timestamps) if (t !== NO_TIME) return t;
  return null;
}

/** A packet's time since the first packet that has one; a packet without a time (a pcapng Simple Packet Block) shows none. */
function TimeCell({ t, base }: { t: bigint; base: bigint | null }) {
  if (t === NO_TIME || base === null) {
    return (
      <span role="cell" className="muted" title="The file gives this packet no time (a pcapng Simple Packet Block has none)">
        no time
      </span>
    );
  }
  return <span role="cell">{`${(Number(t - base) / 1e6).toFixed(3)} ms`}</span>;
}

/** The verdict column as wide as its longest name (8 to 40 characters): no empty gap before "steps". */
function verdictWidth(names: readonly string[]): string {
  const longest = names.reduce((n, x) => Math.max(n, x.length), 'not run'.length);
  return `${Math.min(40, Math.max(8, longest)) + 1}ch`;
}

function Rows({ r, debugged }: { r: CaptureReplay; debugged: number | null }) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer re-renders through its own state
  const v = useVirtualizer({ count: r.total, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  // the spare width goes to the last column (after Debug), not between the verdict and its steps
  const [base, grid] = useMemo(() => [firstTime(r), { gridTemplateColumns: `5em 8em 5em 8em ${verdictWidth(r.names)} 6em minmax(7em, 1fr)` }] as const, [r]);
  return (
    <div role="table" aria-label="Packets" aria-rowcount={r.total + 1} className="entries capture-table">
      <div role="row" aria-rowindex={1} className="erow ehead" style={grid}>
        {['#', 'time', 'bytes', 'return value', 'verdict', 'steps'].map((h) => (
          <span role="columnheader" key={h}>
            {h}
          </span>
        ))}
        <span role="columnheader">
          <span className="sr-only">debug</span>
        </span>
      </div>
      <div ref={scroller} className="escroll">
        <div role="rowgroup" style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((it) => {
            const i = it.index;
            const ran = i < r.done;
            return (
              <div
                key={i}
                role="row"
                aria-rowindex={i + 2}
                aria-selected={debugged === i}
                className={`erow prow${debugged === i ? ' selected' : ''}`}
                style={{ ...grid, position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${it.start}px)` }}
              >
                <span role="cell">{i + 1}</span>
                <TimeCell t={r.timestamps[i]} base={base} />
                <span role="cell">{r.lengths[i]}</span>
                <span role="cell">{ran ? `0x${r.retvals[i].toString(16)}` : ''}</span>
                <span role="cell">{ran ? r.names[r.verdicts[i]] : 'not run'}</span>
                <span role="cell">{ran ? r.steps[i] : ''}</span>
                <span role="cell">
                  <button type="button" className="btn small" aria-label={`Debug packet ${i + 1}`} onClick={() => void io.debugPacket(i)}>
                    Debug
                  </button>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/**
 * The table is a panel beside the debugger, not a modal dialog: Debug on a packet starts a run
 * that is stepped from the toolbar while the verdicts stay in view. It still behaves like one for
 * the keyboard: focus moves to it when it opens, Escape inside it closes it, and focus goes back
 * to Open capture; when a replay ends, focus on Stop replay moves to Replay again.
 */
export default function CapturePanel() {
  const cap = useApp(selectCapture);
  const busy = useApp(selectBusy);
  const replaying = cap?.progress != null;
  const heading = useRef<HTMLHeadingElement>(null);
  const again = useRef<HTMLButtonElement>(null);
  const stopHadFocus = useRef(false);
  useLayoutEffect(() => {
    heading.current?.focus();
    return () => {
      // focus was inside the table (now gone) unless the user had moved on
      queueMicrotask(() => document.activeElement === document.body && focusFirst('capture'));
    };
  }, []);
  useLayoutEffect(() => {
    // Stop replay goes when the replay ends: its focus moves to Replay again
    if (!replaying && stopHadFocus.current) again.current?.focus();
    stopHadFocus.current = false;
  }, [replaying]);
  if (!cap) return null;
  const r = cap.replay;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    io.closeCapture();
  };
  return (
    <section aria-labelledby="capture-title" className="capture-panel" onKeyDown={onKey}>
      <header className="panel-head">
        <h2 id="capture-title" ref={heading} tabIndex={-1}>
          Capture {cap.file}: {cap.packets.toLocaleString('en')} packets ({cap.format})
        </h2>
        <span className="small muted">Escape closes</span>
        <div className="panel-tools">
          {cap.progress !== null ? (
            <>
              <span role="status">
                Replaying… {cap.progress.toLocaleString('en')} of {cap.packets.toLocaleString('en')}
              </span>
              <button type="button" className="btn small" onFocus={() => (stopHadFocus.current = true)} onBlur={() => (stopHadFocus.current = false)} onClick={() => void actions.stop()}>
                Stop replay
              </button>
            </>
          ) : (
            <button ref={again} type="button" className="btn small" aria-disabled={busy !== 'idle'} onClick={() => busy === 'idle' && void io.runCapture()}>
              Replay again
            </button>
          )}
          <button type="button" className="btn small" onClick={() => io.closeCapture()}>
            Close capture
          </button>
        </div>
      </header>
      {cap.warnings.length ? <p className="small bad pad-s">{cap.warnings.join('; ')}</p> : null}
      {r ? (
        <>
          <ul aria-label="Verdict counts" className="counts">
            {r.counts.map((c) => (
              <li key={c.name}>
                <strong>{c.name}</strong>: {c.count.toLocaleString('en')}
              </li>
            ))}
            {r.stopped ? <li className="bad">stopped after {r.done.toLocaleString('en')} packets</li> : null}
          </ul>
          <Rows r={r} debugged={cap.debugged} />
        </>
      ) : null}
    </section>
  );
}
