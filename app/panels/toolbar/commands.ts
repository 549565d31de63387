/**
 * The debugger's commands: what each runs, and when each can be used. The toolbar, the phone's
 * step bar and the keyboard shortcuts all go through these, so they agree.
 */
import { actions, type State } from '../../store';
import type { Command } from '../../ui/shortcuts';

export const RUN: Record<Command, () => void> = {
  load: () => void actions.load(),
  run: () => void actions.run(),
  continue: () => void actions.continueRun(),
  step: () => void actions.step(),
  stepBack: () => void actions.stepBack(),
  restart: () => void actions.restart(),
  stop: () => void actions.stop(),
  pause: () => void actions.pause(),
};

export const LABELS: Record<Command, string> = {
  load: 'Load',
  run: 'Run',
  step: 'Step',
  stepBack: 'Step back',
  continue: 'Continue',
  pause: 'Pause',
  restart: 'Restart',
  stop: 'Stop',
};

/** Whether each command would do something now (a button that would not is marked aria-disabled). */
export function available(s: Pick<State, 'busy' | 'snap' | 'loading'>): Record<Command, boolean> {
  const paused = s.snap?.state === 'paused';
  const running = s.busy === 'running';
  return {
    load: !s.loading && !running,
    run: s.busy === 'idle',
    step: s.busy === 'idle' && (!s.snap || paused),
    stepBack: s.busy === 'idle' && !!s.snap && s.snap.step > 0,
    continue: s.busy === 'idle' && paused,
    pause: running,
    restart: s.busy !== 'stepping',
    stop: !!s.snap || running,
  };
}
