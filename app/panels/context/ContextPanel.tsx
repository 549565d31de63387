/**
 * The context and the packet: at the current step (fields and bytes, with what the last step read
 * and wrote highlighted) and as the run's input (editable: context fields, packet hex, and a
 * packet builder with templates).
 */
import { useState } from 'react';
import { Panel } from '../../ui/Panel';
import { selectSnap, useApp } from '../../store';
import { LiveView } from './LiveView';
import { InputEditor } from './InputEditor';

export function ContextPanel() {
  const snap = useApp(selectSnap);
  const running = snap !== null;
  // the choice holds until a run starts or ends, which switches to the view that matters then
  const [choice, setChoice] = useState<{ tab: 'live' | 'input'; running: boolean }>({ tab: 'input', running: false });
  const tab = choice.running === running ? choice.tab : running ? 'live' : 'input';
  const setTab = (t: 'live' | 'input') => setChoice({ tab: t, running });
  const tools = (
    <div role="tablist" aria-label="Context view" className="tabs">
      <button type="button" role="tab" aria-selected={tab === 'live'} onClick={() => setTab('live')}>
        This step
      </button>
      <button type="button" role="tab" aria-selected={tab === 'input'} onClick={() => setTab('input')}>
        Input
      </button>
    </div>
  );
  return (
    <Panel id="context" title="Context" tools={tools}>
      {tab === 'live' ? <LiveView /> : <InputEditor />}
    </Panel>
  );
}
