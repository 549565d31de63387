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
  // the run the view was chosen in (null: none); a choice holds until that run ends or another
  // starts, which switches to the view that matters then (it once stuck to Input for every
  // later run when picked during one)
  const run = snap?.runId ?? null;
  const [choice, setChoice] = useState<{ tab: View; run: number | null }>({ tab: 'input', run: null });
  const tab = choice.run === run ? choice.tab : run !== null ? 'live' : 'input';
  const setTab = (t: View) => setChoice({ tab: t, run });
  const tools = <TabList base="context" label="Context view" tabs={TABS} selected={tab} onSelect={setTab} />;
  return (
    <Panel id="context" title="Context" tools={tools}>
      <div {...tabPanelProps('context', tab)}>{tab === 'live' ? <LiveView /> : <InputEditor />}</div>
    </Panel>
  );
}
