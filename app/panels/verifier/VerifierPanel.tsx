/**
 * The verifier's log exactly as bpf(2) returned it, each line linked to its instruction (click to
 * reveal it in the editor; the current instruction's lines are highlighted), the error line
 * marked and explained, and ENOSPC shown as such with the cut log.
 */
import { useMemo } from 'react';
import { Panel } from '../../ui/Panel';
import { actions, selectCurrentPc, selectLoad, selectLogLevel, selectLogSize, selectStale, useApp } from '../../store';
import { explainErrno, explainMessage, type Explanation } from './explain';
import { parseLog } from './logLines';

const MAX_LINES = 20000;

function ExplanationBox({ e }: { e: Explanation }) {
  return (
    <div className="explain" role="note" aria-label="What this error means">
      <strong>{e.title}</strong>
      <p>{e.meaning}</p>
      <p>
        <em>Fix:</em> {e.fix}
      </p>
    </div>
  );
}

export function VerifierPanel() {
  const load = useApp(selectLoad);
  const pc = useApp(selectCurrentPc);
  const logLevel = useApp(selectLogLevel);
  const logSize = useApp(selectLogSize);
  const stale = useApp(selectStale);
  const lines = useMemo(() => (load ? parseLog(load.log, !load.ok) : []), [load]);
  const errorLine = lines.find((l) => l.kind === 'error');
  const explanation = load && !load.ok && load.stage === 'load'
    ? (errorLine && load.errno !== 28 ? explainMessage(errorLine.text) : undefined) ?? explainErrno(load.errno, logLevel, logSize)
    : undefined;
  const copy = () => void navigator.clipboard?.writeText(load?.log ?? '');
  const tools = load?.log ? (
    <button type="button" className="btn small" onClick={copy}>
      Copy log
    </button>
  ) : null;
  return (
    <Panel id="verifier" title="Verifier log" tools={tools}>
      {!load ? <p className="muted pad">Load (Ctrl+Enter) to verify the program; its log shows here.</p> : null}
      {load?.stage === 'assemble' ? (
        <p className="pad bad">The program does not assemble ({load.diagnostics.length} error{load.diagnostics.length === 1 ? '' : 's'}); nothing was loaded.</p>
      ) : null}
      {load?.stage === 'load' ? (
        <p className={`pad verdict ${load.ok ? 'ok' : 'bad'}`}>
          {load.ok ? `Accepted: prog id ${load.progId}` : `Refused: ${load.errnoName} (${load.errno})`}
          {load.logTruncated ? ' — the log did not fit in log_size and was cut' : ''}
          {stale ? ' — the editor changed since this load' : ''}
        </p>
      ) : null}
      {explanation ? <ExplanationBox e={explanation} /> : null}
      {load?.stage === 'load' && !load.log ? (
        <p className="muted pad">{logLevel === 0 ? 'log_level 0: no log was asked for, so the kernel wrote none.' : 'The kernel wrote no log.'}</p>
      ) : null}
      {lines.length ? (
        <ol className="log mono" aria-label="Log lines">
          {lines.slice(0, MAX_LINES).map((l, i) => {
            const cls = [l.kind, l.pc !== undefined && l.pc === pc ? 'current' : ''].join(' ');
            return (
              <li key={i} className={cls} data-pc={l.pc}>
                {l.pc !== undefined && l.kind !== 'state' ? (
                  <button type="button" className="loglink" title={`Show instruction ${l.pc} in the editor`} onClick={() => actions.revealPc(l.pc!)}>
                    {l.text}
                  </button>
                ) : (
                  <span>{l.text || '\u00a0'}</span>
                )}
              </li>
            );
          })}
        </ol>
      ) : null}
      {lines.length > MAX_LINES ? <p className="muted pad">… {lines.length - MAX_LINES} more lines (Copy log has them all)</p> : null}
    </Panel>
  );
}
