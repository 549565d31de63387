/** The toolbar: program type, syntax, log settings, privilege, and the debugger's commands. */
import { PROG_TYPE_NAMES } from '../../../src/isa';
import { LIMITS } from '../../../src/protocol';

/** A whole number within [lo, hi] (lo for anything that is not a number). */
const inRange = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.floor(v) || lo));
import {
  actions,
  selectBusy,
  selectEngineSettings,
  selectLoad,
  selectLoading,
  selectLogLevel,
  selectLogSize,
  selectPrivileged,
  selectProgType,
  selectSnap,
  selectStale,
  selectSyntax,
  selectTheme,
  useApp,
} from '../../store';
import { keysOf, type Command } from '../../ui/shortcuts';
import { Status } from './Status';
import { SessionTools } from '../session/SessionTools';

const PROG_TYPES = Object.entries(PROG_TYPE_NAMES).filter(([k]) => k !== '0');

function Btn({ cmd, label, onClick, disabled, primary }: { cmd: Command; label: string; onClick: () => void; disabled?: boolean; primary?: boolean }) {
  const keys = keysOf(cmd);
  return (
    <button type="button" className={primary ? 'btn primary' : 'btn'} title={keys ? `${label} (${keys})` : label} aria-keyshortcuts={keys.replace(/, /g, ' ')} onClick={onClick} disabled={disabled}>
      {label}
    </button>
  );
}

export function Toolbar() {
  const progType = useApp(selectProgType);
  const syntax = useApp(selectSyntax);
  const logLevel = useApp(selectLogLevel);
  const logSize = useApp(selectLogSize);
  const privileged = useApp(selectPrivileged);
  const theme = useApp(selectTheme);
  const busy = useApp(selectBusy);
  const snap = useApp(selectSnap);
  const loading = useApp(selectLoading);
  const load = useApp(selectLoad);
  const stale = useApp(selectStale);
  const es = useApp(selectEngineSettings);
  const paused = snap?.state === 'paused';
  const running = busy === 'running';
  return (
    <div className="toolbar" role="toolbar" aria-label="Program and debugger">
      <div className="group">
        <label>
          Program type
          <select value={progType} onChange={(e) => actions.setSettings({ progType: Number(e.target.value) })}>
            {PROG_TYPES.map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          Syntax
          <select value={syntax} onChange={(e) => actions.setSyntax(e.target.value as 'auto' | 'llvm' | 'ubpf')}>
            <option value="auto">either (per line)</option>
            <option value="llvm">kernel / LLVM</option>
            <option value="ubpf">ubpf</option>
          </select>
        </label>
        <label>
          Log level
          <select value={logLevel} onChange={(e) => actions.setSettings({ logLevel: Number(e.target.value) as 0 | 1 | 2 })}>
            <option value="0">0: no log</option>
            <option value="1">1: the 4.8 log</option>
            <option value="2">2: with states</option>
          </select>
        </label>
        <label>
          Log size
          <input
            type="number"
            min={0}
            max={16777215}
            value={logSize}
            className="num"
            onChange={(e) => actions.setSettings({ logSize: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </label>
        <label className="check" title="Load with CAP_SYS_ADMIN (unprivileged: socket filters only, no pointer leaks)">
          <input type="checkbox" checked={privileged} onChange={(e) => actions.setSettings({ privileged: e.target.checked })} />
          Privileged
        </label>
        <label className="check" title="Run the 4.8 verifier at Load (off: load anything, for experiments)">
          <input type="checkbox" checked={es.verify} onChange={(e) => actions.setSettings({ engineSettings: { ...es, verify: e.target.checked } })} />
          Verify
        </label>
        <label title="Instructions one run may execute (an unverified program may loop)">
          Budget
          <input
            type="number"
            min={1}
            max={100000000}
            className="num"
            value={es.budget}
            onChange={(e) => actions.setSettings({ engineSettings: { ...es, budget: Math.min(100_000_000, Math.max(1, Math.floor(Number(e.target.value) || 1))) } })}
          />
        </label>
        <label title={`Seconds one command (Continue, a seek, a capture replay) may run before it pauses (at most ${LIMITS.timeMs.ceiling / 1000})`}>
          Time limit (s)
          <input
            type="number"
            min={1}
            max={LIMITS.timeMs.ceiling / 1000}
            className="num"
            value={Math.round(es.timeLimitMs / 1000)}
            onChange={(e) => actions.setSettings({ engineSettings: { ...es, timeLimitMs: inRange(Number(e.target.value) * 1000, 1000, LIMITS.timeMs.ceiling) } })}
          />
        </label>
        <label title={`MiB a run's step-back history may hold before it pauses (at most ${LIMITS.memoryMiB.ceiling})`}>
          Memory (MiB)
          <input
            type="number"
            min={16}
            max={LIMITS.memoryMiB.ceiling}
            className="num"
            value={es.memoryLimitMiB}
            onChange={(e) => actions.setSettings({ engineSettings: { ...es, memoryLimitMiB: inRange(Number(e.target.value), 16, LIMITS.memoryMiB.ceiling) } })}
          />
        </label>
      </div>
      <div className="group">
        <Btn cmd="load" label="Load" primary={!load || stale} onClick={() => void actions.load()} disabled={loading || running} />
        <Btn cmd="run" label="Run" onClick={() => void actions.run()} disabled={busy !== 'idle'} />
        <Btn cmd="step" label="Step" onClick={() => void actions.step()} disabled={busy !== 'idle' || (!!snap && !paused)} />
        <Btn cmd="stepBack" label="Step back" onClick={() => void actions.stepBack()} disabled={busy !== 'idle' || !snap || snap.step === 0} />
        <Btn cmd="continue" label="Continue" onClick={() => void actions.continueRun()} disabled={busy !== 'idle' || !paused} />
        <Btn cmd="pause" label="Pause" onClick={() => void actions.pause()} disabled={!running} />
        <Btn cmd="restart" label="Restart" onClick={() => void actions.restart()} disabled={busy === 'stepping'} />
        <Btn cmd="stop" label="Stop" onClick={() => void actions.stop()} disabled={!snap && !running} />
      </div>
      <SessionTools />
      <div className="group grow">
        <Status />
      </div>
      <button
        type="button"
        className="btn"
        aria-pressed={theme === 'dark'}
        onClick={() => actions.setSettings({ theme: theme === 'dark' ? 'light' : 'dark' })}
        title="Switch between the light and the dark theme"
      >
        Dark theme
      </button>
    </div>
  );
}
