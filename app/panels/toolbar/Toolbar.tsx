/**
 * The toolbar: one row of fixed height whose buttons never move. The debugger's commands come
 * first, always in the same place; then the program type and the Settings popover; then the
 * session tools, as many inline as the width allows (the rest in a menu). What state things are
 * in goes to the status bar at the bottom, never here, so no text can push a button.
 *
 * A command that cannot run now is aria-disabled, not disabled: it keeps focus (Enter and Space
 * can press it again as soon as it is ready) and ignores activation meanwhile. The toolbar is one
 * Tab stop; Left, Right, Home and End move inside it (app/ui/roving.ts).
 */
import { useRef } from 'react';
import { selectBusy, selectLoad, selectLoading, selectSnap, selectStale, useApp } from '../../store';
import { keysOf, type Command } from '../../ui/shortcuts';
import { useNarrow, useToolbarFit } from '../../ui/media';
import { Popover } from '../../ui/Menu';
import { useRovingFocus } from '../../ui/roving';
import { SessionTools } from '../session/SessionTools';
import { LABELS, RUN, available } from './commands';
import { LoadSettings, ProgTypeSelect } from './Settings';
import { ThemeSwitch } from './StatusBar';

export function CommandButton({ cmd, enabled, primary, className }: { cmd: Command; enabled: boolean; primary?: boolean; className?: string }) {
  const label = LABELS[cmd];
  const keys = keysOf(cmd);
  return (
    <button
      type="button"
      className={`btn${primary ? ' primary' : ''}${className ? ` ${className}` : ''}`}
      title={keys ? `${label} (${keys})` : label}
      aria-keyshortcuts={keys.replace(/, /g, ' ')}
      aria-disabled={!enabled || undefined}
      data-command={cmd}
      onClick={() => {
        if (enabled) RUN[cmd]();
      }}
    >
      {label}
    </button>
  );
}

/** Whether the commands can run now, read once for all the buttons. */
export function useAvailable(): Record<Command, boolean> {
  const busy = useApp(selectBusy);
  const snap = useApp(selectSnap);
  const loading = useApp(selectLoading);
  return available({ busy, snap, loading });
}

const DEBUG: Command[] = ['step', 'stepBack', 'continue', 'pause', 'restart', 'stop'];

export function Toolbar() {
  const ok = useAvailable();
  const load = useApp(selectLoad);
  const stale = useApp(selectStale);
  const narrow = useNarrow();
  const fit = useToolbarFit();
  const bar = useRef<HTMLDivElement>(null);
  useRovingFocus(bar, narrow ? 'phone' : 'wide');
  const loadButtons = (
    <div className="group" role="group" aria-label="Load and run">
      <CommandButton cmd="load" enabled={ok.load} primary={!load || stale} />
      <CommandButton cmd="run" enabled={ok.run} />
    </div>
  );
  if (narrow) {
    // a phone: the step commands are in the step bar at the bottom
    return (
      <div className="toolbar" role="toolbar" aria-label="Program and debugger" ref={bar}>
        {loadButtons}
        <div className="group">
          <Popover label="Settings">
            <LoadSettings withProgType />
            <ThemeSwitch />
          </Popover>
          <SessionTools fit="session-menu" />
        </div>
      </div>
    );
  }
  return (
    <div className="toolbar" role="toolbar" aria-label="Program and debugger" ref={bar}>
      {loadButtons}
      <div className="group" role="group" aria-label="Debugger">
        {DEBUG.map((c) => (
          <CommandButton key={c} cmd={c} enabled={ok[c]} />
        ))}
      </div>
      <div className="group">
        <ProgTypeSelect />
        <Popover label="Settings">
          <LoadSettings />
        </Popover>
      </div>
      <SessionTools fit={fit} />
    </div>
  );
}
