/**
 * r0-r10 at the current step: hex, unsigned and signed; where a pointer points; the verifier's
 * type at this pc. Registers the last step wrote are highlighted, with the old value on hover and
 * in text for assistive technology ("changed, was 0x…").
 */
import { Panel } from '../../ui/Panel';
import { hex64, s64, u64 } from '../../lib/format';
import { pointerText, typesOf } from '../../lib/pointers';
import { selectSnap, selectStatesAtPc, useApp } from '../../store';

const REGS = Array.from({ length: 11 }, (_, i) => i);
const ROLE = ['return value', 'arg 1 / ctx', 'arg 2', 'arg 3', 'arg 4', 'arg 5', 'callee-saved', 'callee-saved', 'callee-saved', 'callee-saved', 'frame pointer (read-only)'];

export function RegistersPanel() {
  const snap = useApp(selectSnap);
  const states = useApp(selectStatesAtPc);
  const changed = new Map<number, bigint>();
  for (const w of snap?.last?.regs ?? []) if (!changed.has(w.reg)) changed.set(w.reg, w.old);
  return (
    <Panel id="registers" title="Registers">
      {!snap ? <p className="muted pad">Step (F10) or Run (F5) to start a run; the registers show here.</p> : null}
      <table className="grid regs">
        <thead>
          <tr>
            <th scope="col">reg</th>
            <th scope="col">hex</th>
            <th scope="col">verifier type</th>
            <th scope="col">points to</th>
            <th scope="col">unsigned</th>
            <th scope="col">signed</th>
          </tr>
        </thead>
        <tbody>
          {REGS.map((r) => {
            const v = snap?.regs[r];
            const old = changed.get(r);
            const p = snap?.pointers[r];
            const type = typesOf(states, r);
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
                <td className="mono">{v === undefined ? '—' : hex64(v)}</td>
                <td className="mono vtype">
                  {type === '?' ? (
                    <span className="muted" title="not initialised on this path: reading it is an error (R!read_ok)">
                      not init
                    </span>
                  ) : (
                    type
                  )}
                </td>
                <td className="mono">{p ? pointerText(p) : ''}</td>
                <td className="mono num">{v === undefined ? '' : u64(v)}</td>
                <td className="mono num">{v === undefined ? '' : s64(v)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {snap?.last ? (
        <p className="pad small mono last-step">
          step {snap.last.step}: {snap.last.text}
          {snap.last.call ? `  → ${snap.last.call.name}() = ${snap.last.call.ret !== undefined ? s64(snap.last.call.ret) : '…'}` : ''}
        </p>
      ) : null}
    </Panel>
  );
}
