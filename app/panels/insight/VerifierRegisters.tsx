/**
 * The registers as the verifier saw them before an instruction, on one path: no run, no values,
 * only the types and ranges the log prints, marked as the verifier's view. Each register can be
 * traced back to the instructions that produced it.
 */
import { selectAnalysisPaths, selectProvenance, useApp, actions } from '../../store';
import type { Inspected } from '../../store/visits';
import { PathPicker } from './PathPicker';
import { ProvenanceBox } from './ProvenanceBox';

const REGS = Array.from({ length: 11 }, (_, i) => i);

export function VerifierRegisters({ at, line }: { at: Inspected; line: number | undefined }) {
  const paths = useApp(selectAnalysisPaths);
  const provenance = useApp(selectProvenance);
  const shown = provenance && provenance.visit === at.visit && 'reg' in provenance.place ? provenance : null;
  return (
    <div className="verifier-view" data-visit={at.visit}>
      <p className="pad small view-head">
        <strong>The verifier's view</strong> before insn {at.pc}
        {line !== undefined ? ` (line ${line})` : ''}, not a run. <PathPicker visit={at.visit} choices={at.choices} paths={paths} />
      </p>
      <table className="grid regs">
        <caption className="sr-only">Register types the verifier tracked before instruction {at.pc}</caption>
        <thead>
          <tr>
            <th scope="col">reg</th>
            <th scope="col">verifier type</th>
            <th scope="col">where from</th>
          </tr>
        </thead>
        <tbody>
          {REGS.map((r) => {
            const v = at.view.regs.find((x) => x.reg === r);
            return (
              <tr key={r} data-reg={r} className={shown && 'reg' in shown.place && shown.place.reg === r ? 'traced' : undefined}>
                <th scope="row">r{r}</th>
                <td className="mono vtype">{v ? v.type : <span className="muted">not init</span>}</td>
                <td>
                  <button type="button" className="link small" aria-label={`trace r${r} (where its value came from)`} onClick={() => void actions.traceProvenance(at.visit, { reg: r })}>
                    trace
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown ? <ProvenanceBox p={shown} /> : null}
    </div>
  );
}
