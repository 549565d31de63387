/**
 * The phone's step bar, at the bottom under the thumb: Step back, Step, Continue and Stop as
 * touch-sized buttons that never move (the toolbar above keeps Load and Run). One Tab stop, with
 * Left and Right between its buttons, as the toolbar above.
 */
import { useRef } from 'react';
import { useRovingFocus } from '../../ui/roving';
import { CommandButton, useAvailable } from './Toolbar';

export function StepBar() {
  const ok = useAvailable();
  const bar = useRef<HTMLDivElement>(null);
  useRovingFocus(bar);
  // a landmark of its own (it sits between the panes and the status bar), so it can be found
  return (
    <section className="stepbar-area" aria-label="Step bar">
      <div className="stepbar" role="toolbar" aria-label="Debugger" ref={bar}>
        <CommandButton cmd="stepBack" enabled={ok.stepBack} />
        <CommandButton cmd="step" enabled={ok.step} primary />
        <CommandButton cmd="continue" enabled={ok.continue} />
        <CommandButton cmd={ok.pause ? 'pause' : 'stop'} enabled={ok.pause || ok.stop} />
      </div>
    </section>
  );
}
