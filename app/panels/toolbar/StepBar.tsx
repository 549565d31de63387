/**
 * The phone's step bar, at the bottom under the thumb: Step back, Step, Continue and Stop as
 * touch-sized buttons that never move (the toolbar above keeps Load and Run).
 */
import { CommandButton, useAvailable } from './Toolbar';

export function StepBar() {
  const ok = useAvailable();
  return (
    <div className="stepbar" role="toolbar" aria-label="Debugger">
      <CommandButton cmd="stepBack" enabled={ok.stepBack} />
      <CommandButton cmd="step" enabled={ok.step} primary />
      <CommandButton cmd="continue" enabled={ok.continue} />
      <CommandButton cmd={ok.pause ? 'pause' : 'stop'} enabled={ok.pause || ok.stop} />
    </div>
  );
}
