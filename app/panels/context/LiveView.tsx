/** The context fields and the packet as they are at the current step. */
import { useMemo } from 'react';
import { HexView, type ByteMark } from '../../ui/HexView';
import { hexShort, readLE } from '../../lib/format';
import { decodeFrame, fieldAtByte } from '../../lib/packet';
import { selectSnap, useApp } from '../../store';
import { fieldAt } from '../../../src/isa';
import type { AccessView, DebugSnapshot } from '../../../src/protocol';
import { PacketLayers } from './PacketLayers';
import { belowWindows } from './below';

function marksOf(snap: DebugSnapshot, kind: 'ctx' | 'packet'): Map<number, ByteMark> {
  const m = new Map<number, ByteMark>();
  const add = (a: AccessView, mark: ByteMark) => {
    if (a.kind === kind) for (let i = 0; i < a.size; i++) m.set(a.offset + i, mark);
  };
  for (const r of snap.last?.reads ?? []) add(r, 'read');
  for (const w of snap.last?.writes ?? []) add(w, 'write');
  return m;
}

/** The memory below a tracepoint's record: what it stands for, and the rows that matter now. */
function BelowView({ below, marks }: { below: NonNullable<NonNullable<DebugSnapshot['ctx']>['below']>; marks: ReadonlyMap<number, ByteMark> }) {
  const size = below.bytes.length;
  const windows = belowWindows(size, marks);
  const touched = [...marks.keys()].some((o) => o < 0);
  return (
    <details open={touched} className="below">
      <summary className="small muted">below the record: {size.toLocaleString('en')} bytes{touched ? ' (read by this step)' : ''}</summary>
      <p className="small muted">{below.about}</p>
      {windows.map((w) => (
        <HexView key={w.start} bytes={below.bytes.subarray(size + w.start, size + w.end)} base={w.start} marks={marks} label={`Bytes ${w.start} to ${w.end - 1} below the record`} />
      ))}
    </details>
  );
}

export function LiveView() {
  const snap = useApp(selectSnap);
  const packet = snap?.packet;
  const layers = useMemo(() => (packet ? decodeFrame(packet.bytes) : []), [packet]);
  if (!snap) return <p className="muted pad">No run: Step (F10) to start one.</p>;
  const ctxMarks = marksOf(snap, 'ctx');
  const pktMarks = marksOf(snap, 'packet');
  const ctx = snap.ctx;
  return (
    <div className="pad-s">
      {ctx ? (
        <>
          <h3>
            struct {ctx.layout} <span className="muted small mono">at {hexShort(ctx.addr)}</span>
          </h3>
          {ctx.fields.length ? (
            <table className="grid ctx">
              <thead>
                <tr>
                  <th scope="col">off</th>
                  <th scope="col">field</th>
                  <th scope="col">value</th>
                </tr>
              </thead>
              <tbody>
                {ctx.fields.map((f) => {
                  const hit = [...Array(f.size).keys()].map((i) => ctxMarks.get(f.offset + i)).find(Boolean);
                  const v = readLE(ctx.bytes, f.offset, f.size);
                  return (
                    <tr key={`${f.name}@${f.offset}`} className={hit ? `mark-${hit}` : undefined} title={f.doc}>
                      <td className="mono num">{f.offset}</td>
                      <td className="mono">{f.name}</td>
                      <td className="mono">
                        {hexShort(v)} <span className="muted">({v.toString()})</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          <details open={!ctx.fields.length}>
            <summary className="small muted">bytes</summary>
            <HexView
              bytes={ctx.bytes}
              marks={ctxMarks}
              label="Context bytes"
              nameOf={(o) => fieldAt(ctx, o)?.name}
            />
          </details>
          {ctx.below ? <BelowView below={ctx.below} marks={ctxMarks} /> : null}
        </>
      ) : null}
      {snap.packet ? (
        <>
          <h3>
            Packet, {snap.packet.bytes.length} bytes <span className="muted small mono">at {hexShort(snap.packet.addr)}</span>
          </h3>
          <HexView
            bytes={snap.packet.bytes}
            marks={pktMarks}
            label="Packet bytes"
            nameOf={(o) => {
              const hit = fieldAtByte(layers, o);
              return hit ? `${hit.layer.name}${hit.field ? ` ${hit.field.name} = ${hit.field.text}` : ''}` : undefined;
            }}
          />
          <PacketLayers layers={layers} marks={pktMarks} />
        </>
      ) : null}
      {snap.result ? (
        <p className="pad-s">
          Result: retval {snap.result.retval} — {snap.result.verdict}
        </p>
      ) : null}
    </div>
  );
}
