/**
 * The 512-byte stack as 64 slots of 8 bytes, fp-8 first: the bytes, the value, where it points,
 * and the verifier's slot kind at this pc (spilled register with its type, data, or never
 * written). Bytes the last step wrote are highlighted.
 */
import { useState } from 'react';
import { Panel } from '../../ui/Panel';
import { bytesHex, hex64, readLE } from '../../lib/format';
import { alternatives, pointerText } from '../../lib/pointers';
import { selectInspected, selectSnap, selectStatesAtPc, useApp } from '../../store';
import { VerifierStack } from '../insight/VerifierStack';
import { MAX_BPF_STACK } from '../../../src/isa';
import type { VerifierStateView } from '../../../src/protocol';

const SLOTS = MAX_BPF_STACK / 8;

function slotKind(states: readonly VerifierStateView[] | undefined, off: number): string {
  return alternatives(states, (s) => {
    const slot = s.stack.find((x) => x.off === off);
    return !slot ? 'invalid' : slot.kind === 'spill' ? `spill ${slot.type ?? ''}`.trim() : slot.kind;
  });
}

export function StackPanel() {
  const snap = useApp(selectSnap);
  // the verifier's states at the current pc: there is a pc only while a run is on
  const states = useApp(selectStatesAtPc);
  const [all, setAll] = useState(false);
  const tools = (
    <label className="check small">
      <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
      all 64 slots
    </label>
  );
  const inspected = useApp(selectInspected);
  if (!snap && inspected) {
    return (
      <Panel id="stack" title="Stack">
        <VerifierStack at={inspected} />
      </Panel>
    );
  }
  if (!snap) {
    return (
      <Panel id="stack" title="Stack" tools={tools}>
        <p className="muted pad">The frame shows here during a run: 512 bytes below r10 (fp).</p>
      </Panel>
    );
  }
  const bytes = snap.stack.bytes;
  const written = new Set<number>();
  for (const w of snap.last?.writes ?? []) if (w.kind === 'stack') for (let i = 0; i < w.size; i++) written.add(w.offset + i);
  const rows = [];
  for (let k = SLOTS - 1; k >= 0; k--) {
    const base = k * 8;
    const off = base - MAX_BPF_STACK;
    const slice = bytes.subarray(base, base + 8);
    const kind = slotKind(states, off);
    const hot = [...written].some((b) => b >= base && b < base + 8);
    const used = hot || slice.some((x) => x !== 0) || (kind !== '' && kind !== 'invalid');
    if (!all && !used) continue;
    const p = snap.stackPointers[k];
    rows.push(
      <tr key={k} className={hot ? 'changed' : undefined} data-slot={off}>
        <th scope="row" className="mono">
          fp{off}
          {hot ? (
            <>
              <span className="changed-mark" aria-hidden="true">
                {' '}•
              </span>
              <span className="sr-only">, written by the last step</span>
            </>
          ) : null}
        </th>
        <td className="mono bytes">
          {Array.from(slice, (b, i) => (
            <span key={i} className={written.has(base + i) ? 'hot' : undefined}>
              {b.toString(16).padStart(2, '0')}
            </span>
          ))}
        </td>
        <td className="mono vtype">{kind}</td>
        <td className="mono">{p ? pointerText(p) : ''}</td>
        <td className="mono">{hex64(readLE(slice, 0, 8))}</td>
      </tr>,
    );
  }
  return (
    <Panel id="stack" title="Stack" tools={tools}>
      <table className="grid stack">
        <caption className="sr-only">Stack slots from fp-8 down to fp-512</caption>
        <thead>
          <tr>
            <th scope="col">slot</th>
            <th scope="col">bytes (memory order)</th>
            <th scope="col">verifier kind</th>
            <th scope="col">points to</th>
            <th scope="col">u64</th>
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
      {rows.length === 0 ? <p className="muted pad">No slot written yet.</p> : null}
      {written.size ? <p className="sr-only">Written by the last step: {bytesHex(bytes.subarray(Math.min(...written), Math.max(...written) + 1))}</p> : null}
    </Panel>
  );
}
