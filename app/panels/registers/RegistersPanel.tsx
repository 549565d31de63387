/**
 * r0-r10 at the current step: the value, the verifier's type at this pc, where a pointer points,
 * and the value as unsigned and signed decimals. Registers the last step wrote are highlighted,
 * with the old value on hover and
 * in text for assistive technology ("changed, was 0x…"). The columns give way as the pane narrows (container queries in
 * styles.css): the decimals first (a selector in the title bar then shows one of them in the
 * value column), then "points to" (which moves under the type). Types that differ between the
 * paths reaching this pc are joined by "|" and explained below the table.
 */
import { useState } from 'react';
import { Panel } from '../../ui/Panel';
import { hex64, s64, u64 } from '../../lib/format';
import { pointerText, typesOf } from '../../lib/pointers';
import { mergedTypeNote } from '../../lib/vtypes';
import { lineOfPc, selectInspected, selectSnap, selectStatesAtPc, store, useApp } from '../../store';
import { VerifierRegisters } from '../insight/VerifierRegisters';

const REGS = Array.from({ length: 11 }, (_, i) => i);
const ROLE = ['return value', 'arg 1 / ctx', 'arg 2', 'arg 3', 'arg 4', 'arg 5', 'callee-saved', 'callee-saved', 'callee-saved', 'callee-saved', 'frame pointer (read-only)'];

type Fmt = 'hex' | 'unsigned' | 'signed';
const FORMAT: Record<Fmt, (v: bigint) => string> = { hex: hex64, unsigned: u64, signed: s64 };

/** Types that already say what a register points to (then a narrow pane does not repeat it). */
const POINTER_TYPE = /^(ctx|fp|pkt|map_|packet)/;

function TypeCell({ type, pointer }: { type: string; pointer: string }) {
  const merged = type.includes(' | ');
  const title = merged ? mergedTypeNote(type) : type && type !== '?' ? `${type}${pointer ? ` → ${pointer}` : ''}` : undefined;
  return (
    <td className="mono vtype c-type" title={title}>
      {type === '?' ? (
        <span className="muted" title="not initialised on this path: reading it is an error (R!read_ok)">
          not init
        </span>
      ) : (
        type
      )}
      {pointer && !POINTER_TYPE.test(type) ? <span className="ptr-inline muted"> → {pointer}</span> : null}
    </td>
  );
}

export function RegistersPanel() {
  const snap = useApp(selectSnap);
  const states = useApp(selectStatesAtPc);
  const [fmt, setFmt] = useState<Fmt>('hex');
  const inspected = useApp(selectInspected);
  if (!snap && inspected) {
    return (
      <Panel id="registers" title="Registers">
        <VerifierRegisters at={inspected} line={lineOfPc(store.getState(), inspected.pc)} />
      </Panel>
    );
  }
  const changed = new Map<number, bigint>();
  for (const w of snap?.last?.regs ?? []) if (!changed.has(w.reg)) changed.set(w.reg, w.old);
  const types = REGS.map((r) => typesOf(states, r));
  const merged = types.find((t) => t.includes(' | '));
  const tools = (
    <label className="small reg-format" title="What the value column shows (the pane is too narrow for all three)">
      Value
      <select value={fmt} onChange={(e) => setFmt(e.target.value as Fmt)}>
        <option value="hex">hex</option>
        <option value="unsigned">unsigned</option>
        <option value="signed">signed</option>
      </select>
    </label>
  );
  return (
    <Panel id="registers" title="Registers" tools={tools}>
      {!snap ? <p className="muted pad">Step (F10) or Run (F5) to start a run; the registers show here. After a Load, click a line of the verifier's log (or put the cursor on an instruction) to see the verifier's view.</p> : null}
      <table className={`grid regs fmt-${fmt}`}>
        <thead>
          <tr>
            <th scope="col">reg</th>
            <th scope="col" className="c-val">
              <span className="wide-only">hex</span>
              <span className="narrow-only">{fmt}</span>
            </th>
            <th scope="col" className="c-type">verifier type</th>
            <th scope="col" className="c-ptr">points to</th>
            <th scope="col" className="c-dec">unsigned</th>
            <th scope="col" className="c-dec">signed</th>
          </tr>
        </thead>
        <tbody>
          {REGS.map((r) => {
            const v = snap?.regs[r];
            const old = changed.get(r);
            const p = snap?.pointers[r];
            return (
              <tr key={r} className={old !== undefined ? 'changed' : undefined} title={old !== undefined ? `r${r} was ${hex64(old)} (${s64(old)})` : ROLE[r]} data-reg={r}>
                <th scope="row">
                  r{r}
                  {/* the highlight's meaning without colour: a mark, and words for assistive technology */}
                  {old !== undefined ? (
                    <>
                      <span className="changed-mark" aria-hidden="true">
                        {' '}•
                      </span>
                      <span className="sr-only">, changed, was {hex64(old)}</span>
                    </>
                  ) : null}
                </th>
                <td className="mono c-val">
                  {v === undefined ? (
                    '—'
                  ) : (
                    <>
                      <span className="wide-only">{hex64(v)}</span>
                      <span className="narrow-only">{FORMAT[fmt](v)}</span>
                    </>
                  )}
                </td>
                <TypeCell type={types[r]} pointer={p ? pointerText(p) : ''} />
                <td className="mono c-ptr">{p ? pointerText(p) : ''}</td>
                <td className="mono num c-dec">{v === undefined ? '' : u64(v)}</td>
                <td className="mono num c-dec">{v === undefined ? '' : s64(v)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {merged ? (
        <p className="pad small muted merged-note" role="note">
          {mergedTypeNote(merged)}
        </p>
      ) : null}
      {snap?.last ? (
        <p className="pad small mono last-step">
          step {snap.last.step}: {snap.last.text}
          {snap.last.call ? `  → ${snap.last.call.name}() = ${snap.last.call.ret !== undefined ? s64(snap.last.call.ret) : '…'}` : ''}
        </p>
      ) : null}
    </Panel>
  );
}
