/** One line saying what state things are in: engine, load verdict, run position; and the notices. */
import { actions, selectBusy, selectEngine, selectLoad, selectMaxStep, selectNotices, selectProgress, selectSnap, selectStale, useApp } from '../../store';
import type { DebugSnapshot } from '../../../src/protocol';
import { hexShort } from '../../lib/format';

function runText(s: DebugSnapshot): string {
  const at = `step ${s.step}, pc ${s.pc}${s.line ? ` (line ${s.line})` : ''}`;
  switch (s.state) {
    case 'paused':
      return `Paused at ${at}`;
    case 'exited':
      return `Exited after ${s.step} steps: r0 = ${s.stop?.kind === 'exit' ? hexShort(s.stop.r0) : '?'}${s.result ? `, ${s.result.verdict}` : ''}`;
    case 'faulted':
      return `Fault at ${at}: ${s.stop?.kind === 'fault' ? s.stop.message : ''}`;
    case 'budget':
      return `Budget exhausted after ${s.step} steps`;
    case 'stopped':
      return `Stopped at ${at}`;
  }
}

export function Status() {
  const engine = useApp(selectEngine);
  const load = useApp(selectLoad);
  const snap = useApp(selectSnap);
  const busy = useApp(selectBusy);
  const progress = useApp(selectProgress);
  const stale = useApp(selectStale);
  const notices = useApp(selectNotices);
  const maxStep = useApp(selectMaxStep);
  let text: string;
  if (engine.kind === 'starting') text = 'Starting the engine…';
  else if (engine.kind === 'failed') text = `Engine failed: ${engine.message}`;
  else if (busy === 'running') text = `Running… ${progress !== null ? `step ${progress}` : ''}`;
  else if (snap) text = runText(snap);
  else if (load?.stage === 'assemble') text = 'The program does not assemble: see the markers in the editor';
  else if (load) text = load.ok ? `Loaded: prog id ${load.progId}${stale ? ' (edited since)' : ''}` : `Load failed: ${load.errnoName} (${load.errno})${stale ? ' (edited since)' : ''}`;
  else text = 'Ready';
  return (
    <div className="status">
      {snap && maxStep > 0 ? (
        <label className="timeline" title="Drag to travel through the run (forwards replays it)">
          Step
          <input
            type="range"
            aria-label="Step of the run"
            min={0}
            max={maxStep}
            value={snap.step}
            disabled={busy !== 'idle'}
            onChange={(e) => void actions.gotoStep(Number(e.target.value))}
          />
        </label>
      ) : null}
      {/* not live: app/ui/Announcer.tsx is the page's one polite live region and says more */}
      <span role="status" aria-live="off" className={snap?.state === 'faulted' || (load && !load.ok) ? 'bad' : ''}>
        {text}
      </span>
      {notices.map((n) => (
        <span key={n.id} role={n.kind === 'error' ? 'alert' : 'status'} className={`notice ${n.kind}`}>
          {n.text}
          <button type="button" className="link" aria-label="Dismiss" onClick={() => actions.dismiss(n.id)}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}
