/**
 * The stack as the verifier saw it before an instruction: for each slot holding anything, the
 * kind of each of its 8 bytes (never written, data, part of a spilled register) and the spilled
 * register's type; each slot can be traced back to the instructions that wrote it.
 */
import { actions, selectProvenance, useApp } from '../../store';
import type { Inspected } from '../../store/visits';
import { ProvenanceBox } from './ProvenanceBox';

const BYTE = { '?': { ch: '·', what: 'never written' }, m: { ch: 'm', what: 'data' }, s: { ch: 's', what: 'part of a spilled register' } } as const;

export function VerifierStack({ at }: { at: Inspected }) {
  const provenance = useApp(selectProvenance);
  const shown = provenance && provenance.visit === at.visit && 'stack' in provenance.place ? provenance : null;
  const slots = [...at.view.stack].sort((a, b) => b.off - a.off);
  return (
    <div className="verifier-view" data-visit={at.visit}>
      <p className="pad small view-head">
        <strong>The verifier's view</strong> of the stack before insn {at.pc}, not a run.
      </p>
      {slots.length ? (
        <table className="grid stack">
          <caption className="sr-only">Stack slots the verifier tracked before instruction {at.pc}</caption>
          <thead>
            <tr>
              <th scope="col">slot</th>
              <th scope="col">bytes (lowest address first)</th>
              <th scope="col">spilled register</th>
              <th scope="col">where from</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr key={s.off} data-slot={s.off} className={shown && 'stack' in shown.place && shown.place.stack === s.off ? 'traced' : undefined}>
                <th scope="row" className="mono">fp{s.off}</th>
                <td className="mono byte-kinds" aria-label={[...(s.bytes ?? '')].map((b) => BYTE[b as keyof typeof BYTE]?.what ?? b).join(', ')}>
                  {[...(s.bytes ?? '')].map((b, i) => (
                    <span key={i} className={`bk bk-${b === '?' ? 'none' : b}`} title={BYTE[b as keyof typeof BYTE]?.what}>
                      {BYTE[b as keyof typeof BYTE]?.ch ?? b}
                    </span>
                  ))}
                </td>
                <td className="mono vtype">{s.kind === 'spill' ? s.type : ''}</td>
                <td>
                  <button type="button" className="link small" aria-label={`trace fp${s.off} (where its bytes came from)`} onClick={() => void actions.traceProvenance(at.visit, { stack: s.off })}>
                    trace
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted pad small">Nothing written on the stack yet on this path.</p>
      )}
      {shown ? <ProvenanceBox p={shown} /> : null}
    </div>
  );
}
