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
import { TabList, tabPanelProps, type TabSpec } from '../../ui/Tabs';

type View = 'live' | 'input';
const TABS: TabSpec<View>[] = [
  { id: 'live', label: 'This step' },
  { id: 'input', label: 'Input' },
];

export function ContextPanel() {
  const snap = useApp(selectSnap);
  const running = snap !== null;
  // the choice holds until a run starts or ends, which switches to the view that matters then
  const [choice, setChoice] = useState<{ tab: View; running: boolean }>({ tab: 'input', running: false });
  const tab = choice.running === running ? choice.tab : running ? 'live' : 'input';
  const setTab = (t: View) => setChoice({ tab: t, running });
  const tools = <TabList base="context" label="Context view" tabs={TABS} selected={tab} onSelect={setTab} />;
  return (
    <Panel id="context" title="Context" tools={tools}>
      <div {...tabPanelProps('context', tab)}>{tab === 'live' ? <LiveView /> : <InputEditor />}</div>
    </Panel>
  );
}
