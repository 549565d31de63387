/** Where a value came from: the chain of instructions (latest first), each linked to its line. */
import type { ProvenanceView } from '../../../src/protocol';
import { actions, selectLoadedLines, useApp } from '../../store';

const placeName = (p: ProvenanceView['place']): string => ('reg' in p ? `r${p.reg}` : `fp${p.stack}`);

export function ProvenanceBox({ p }: { p: ProvenanceView }) {
  const lines = useApp(selectLoadedLines);
  return (
    <section className="provenance" aria-label={`Where ${placeName(p.place)} came from`}>
      <div className="dialog-head">
        <strong className="small">
          {placeName(p.place)} = <span className="mono">{p.type || 'not initialised'}</span> came from
        </strong>
        <button type="button" className="btn small" onClick={() => actions.clearProvenance()}>
          Clear
        </button>
      </div>
      {p.steps.length ? (
        <ol className="mono small prov-steps">
          {p.steps.map((s, i) => {
            const line = lines?.[s.pc] ?? undefined;
            return (
              <li key={i} className={`prov-${s.kind}`}>
                <button type="button" className="link" onClick={() => actions.revealPc(s.pc)}>
                  {line !== undefined ? `line ${line}` : `insn ${s.pc}`}
                </button>{' '}
                <span className="prov-kind">{s.kind === 'write' ? 'wrote' : s.kind === 'refine' ? 'refined' : 'clobbered'}</span> {s.note}
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="small">No instruction on this path wrote it.</p>
      )}
      {p.origins.length ? <p className="small">Starting from: {p.origins.join('; ')}.</p> : null}
      {!p.complete ? <p className="small bad">Part of this path has no recorded state (past the analysis's state limit): the chain may be incomplete.</p> : null}
    </section>
  );
}
