/**
 * "Show me a run" for a refused program: the engine searches an input that drives the refused
 * path to the refused instruction, runs the program on it with the verifier off, and the
 * debugger stops after the refused instruction, showing what the verifier prevented. When no
 * input exists or none is found in time, the box says why.
 */
import { useRef } from 'react';
import { actions, selectLoad, selectSearching, selectWitness, useApp } from '../../store';
import { bytesHex } from '../../lib/format';
import type { RunSearchResult } from '../../../src/protocol';

function InputText({ r }: { r: RunSearchResult }) {
  const i = r.input;
  if (!i) return null;
  const parts: string[] = [];
  if (i.packet) parts.push(`a packet of ${i.packet.length} bytes (now in the input panel)`);
  if (i.ctx) parts.push(`context bytes ${bytesHex(i.ctx.subarray(0, 24), '')}${i.ctx.length > 24 ? '…' : ''}`);
  for (const m of i.maps) {
    for (const e of m.entries) parts.push(`${m.name}[${bytesHex(e.key, '')}] = ${bytesHex(e.value, '')}`);
    for (const k of m.deleted) parts.push(`${m.name}[${bytesHex(k, '')}] deleted`);
  }
  return <p className="small">Input: {parts.length ? parts.join('; ') : 'the default one'}.</p>;
}

export function ShowRun() {
  const load = useApp(selectLoad);
  const searching = useApp(selectSearching);
  const witness = useApp(selectWitness);
  const again = useRef<HTMLButtonElement>(null);
  if (!load || load.ok || load.stage !== 'load' || load.analysis?.errorVisit === undefined) return null;
  const r = witness?.search;
  return (
    <div className="show-run pad">
      <button ref={again} type="button" className="btn small" disabled={searching} onClick={() => void actions.showRun()} title="Search an input that takes the refused path, run it with the verifier off, and stop after the refused instruction">
        {searching ? 'Searching for an input…' : 'Show me a run'}
      </button>{' '}
      <span className="small muted">what the verifier prevented, on a concrete input</span>
      {r ? (
        <div className={`witness ${r.found ? 'found' : 'none'}`} role="note" aria-label="Show me a run">
          <button
            type="button"
            className="btn small witness-close"
            aria-label="Close Show me a run"
            title="Close this box (the debug run stays)"
            onClick={() => {
              actions.closeWitness();
              // the box and its button go: focus back on the button that opened it
              again.current?.focus();
            }}
          >
            Close
          </button>
          {r.found ? (
            <>
              <p>
                {witness.reached ? (
                  <>
                    <strong>This is what the verifier prevented</strong> ({r.refusal?.predicted}): {r.outcome}.
                  </>
                ) : (
                  <>
                    <strong>The search's run showed what the verifier prevented</strong> ({r.refusal?.predicted}): {r.outcome}; the debug run here did not reach the refused instruction.
                  </>
                )}
              </p>
              <InputText r={r} />
              <p className="small muted">
                {witness.reached
                  ? `The debugger runs the program loaded without the verifier, stopped after instruction ${r.refusal?.pc}; step back to see the path.`
                  : 'The debugger runs the program loaded without the verifier on the same input.'} Found in {r.runs} run{r.runs === 1 ? '' : 's'}, {r.ms} ms.
              </p>
              {witness.note ? <p className="small bad">{witness.note}</p> : null}
            </>
          ) : (
            <p>
              <strong>No run to show.</strong> {r.reason}
            </p>
          )}
        </div>
      ) : null}
    </div>
  );
}
