/**
 * The load and engine settings: the program type (in the toolbar), the log's level and size
 * (in the verifier log's title bar, next to what they shape), and the rest in the toolbar's
 * Settings popover: syntax, privilege, the verifier on or off, the instruction budget, the time and memory limits.
 */
import { PROG_TYPE_NAMES } from '../../../src/isa';
import { LIMITS } from '../../../src/protocol';
import { actions, selectEngineSettings, selectLogLevel, selectLogSize, selectPrivileged, selectProgType, selectSyntax, useApp } from '../../store';

/** A whole number within [lo, hi] (lo for anything that is not a number). */
const inRange = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.floor(v) || lo));

const PROG_TYPES = Object.entries(PROG_TYPE_NAMES).filter(([k]) => k !== '0');

export function ProgTypeSelect({ withLabel }: { withLabel?: boolean }) {
  const progType = useApp(selectProgType);
  const select = (
    <select
      aria-label={withLabel ? undefined : 'Program type'}
      title="Program type (a .type directive in the source wins)"
      value={progType}
      onChange={(e) => actions.setSettings({ progType: Number(e.target.value) })}
    >
      {PROG_TYPES.map(([k, v]) => (
        <option key={k} value={k}>
          {v}
        </option>
      ))}
    </select>
  );
  return withLabel ? (
    <label>
      Program type
      {select}
    </label>
  ) : (
    select
  );
}

/** Log level and log size, as bpf_attr takes them. */
export function LogSettings() {
  const logLevel = useApp(selectLogLevel);
  const logSize = useApp(selectLogSize);
  return (
    <>
      <label className="small" title="bpf_attr.log_level: 0 no log, 1 the 4.8 log, 2 with a state line before each instruction">
        Log level
        <select value={logLevel} onChange={(e) => actions.setSettings({ logLevel: Number(e.target.value) as 0 | 1 | 2 })}>
          <option value="0">0: none</option>
          <option value="1">1: 4.8's</option>
          <option value="2">2: states</option>
        </select>
      </label>
      <label className="small" title="bpf_attr.log_size in bytes (4.8: 128 to 16777215 when a log is asked for)">
        Log size
        <input
          type="number"
          min={0}
          max={16777215}
          value={logSize}
          className="num log-size"
          onChange={(e) => actions.setSettings({ logSize: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
        />
      </label>
    </>
  );
}

/** The Settings popover's controls. */
export function LoadSettings({ withProgType }: { withProgType?: boolean }) {
  const syntax = useApp(selectSyntax);
  const privileged = useApp(selectPrivileged);
  const es = useApp(selectEngineSettings);
  return (
    <div className="settings">
      {withProgType ? <ProgTypeSelect withLabel /> : null}
      <label>
        Syntax
        <select value={syntax} onChange={(e) => actions.setSyntax(e.target.value as 'auto' | 'llvm' | 'ubpf')}>
          <option value="auto">either (per line)</option>
          <option value="llvm">kernel / LLVM</option>
          <option value="ubpf">ubpf</option>
        </select>
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
          max={LIMITS.steps.ceiling}
          className="num"
          value={es.budget}
          onChange={(e) => actions.setSettings({ engineSettings: { ...es, budget: inRange(Number(e.target.value), 1, LIMITS.steps.ceiling) } })}
        />
      </label>
      <label title="Simulated CPUs (per-CPU maps hold a value for each): a change takes effect at the next Load, in a new kernel where pinned objects come back from bpffs">
        CPUs
        <input
          type="number"
          min={1}
          max={64}
          className="num"
          value={es.ncpus}
          onChange={(e) => {
            const ncpus = inRange(Number(e.target.value), 1, 64);
            actions.setSettings({ engineSettings: { ...es, ncpus, cpu: Math.min(es.cpu, ncpus - 1) } });
          }}
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
      <label title={`MiB a run's step-back history and trace lines may hold: past it the oldest steps of the history are given up (at most ${LIMITS.memoryMiB.ceiling})`}>
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
  );
}
