/**
 * The status bar at the bottom (as in VS Code): one line of fixed height that says what state
 * things are in (the engine, the load verdict, where the run stands and in which program), the
 * run's timeline, and the theme switch. It may change as often as it likes: nothing above it moves.
 */
import { actions, selectBusy, selectEngine, selectLoad, selectMaxStep, selectOpening, selectProgress, selectSnap, selectStale, selectTheme, useApp } from '../../store';
import { statusOf } from '../../lib/status';

/** The theme as a switch that says which is on (on a phone it sits in the Settings popover). */
export function ThemeSwitch() {
  const theme = useApp(selectTheme);
  const dark = theme === 'dark';
  return (
    <button
      type="button"
      role="switch"
      aria-checked={dark}
      className="theme-switch"
      title={`The ${theme} theme is on: switch to the ${dark ? 'light' : 'dark'} one`}
      onClick={() => actions.setSettings({ theme: dark ? 'light' : 'dark' })}
    >
      Dark theme
      <span className="switch-state" aria-hidden="true">
        {dark ? 'on' : 'off'}
      </span>
    </button>
  );
}

export function StatusBar() {
  const engine = useApp(selectEngine);
  const load = useApp(selectLoad);
  const snap = useApp(selectSnap);
  const busy = useApp(selectBusy);
  const progress = useApp(selectProgress);
  const stale = useApp(selectStale);
  const maxStep = useApp(selectMaxStep);
  const opening = useApp(selectOpening);
  const { text, bad } = statusOf({ engine, load, snap, running: busy === 'running', progress, stale, opening });
  return (
    <footer className="statusbar" aria-label="Status">
      {/* not a live region: app/ui/Announcer.tsx is the page's one, and says more */}
      <span className={`status-text${bad ? ' bad' : ''}`} title={text}>
        {text}
      </span>
      {snap && maxStep > 0 ? (
        <label className="timeline" title="Drag to travel through the run (forwards replays it)">
          Step
          <input
            type="range"
            aria-label="Step of the run"
            min={0}
            max={maxStep}
            value={snap.step}
            // aria-disabled, not disabled: the arrow keys keep focus on it while the move replays
            aria-disabled={busy !== 'idle' || undefined}
            onChange={(e) => {
              if (busy === 'idle') void actions.gotoStep(Number(e.target.value));
            }}
          />
        </label>
      ) : null}
      <ThemeSwitch />
    </footer>
  );
}
