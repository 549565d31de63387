/**
 * The editor's pane, in the first chunk: the light editor (LightEditor.tsx) is editable at the
 * first paint; Monaco's chunk is asked for only after that paint, mounts underneath (inert, out
 * of sight) and takes over in one task: the light editor hands over its state, Monaco takes it,
 * the light editor goes. `data-editor` on the pane says which one the user has ("light", then
 * "monaco"); the browser tests and `npm run bench -- first-load` read it.
 */
import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { useAfterPaint } from '../../ui/paint';
import { LightEditor, type LightHandle, type LightState } from './LightEditor';

/** Monaco's chunk has come (a pane shown again, a phone's tab switched back, need not wait for a paint). */
let arrived = false;
const Editor = lazy(() =>
  import('./Editor').then((m) => {
    arrived = true;
    return m;
  }),
);

export default function EditorPane() {
  const light = useRef<LightHandle>(null);
  const lightLayer = useRef<HTMLDivElement>(null);
  const monacoLayer = useRef<HTMLDivElement>(null);
  const [which, setWhich] = useState<'light' | 'monaco'>('light');
  const loadMonaco = useAfterPaint() || arrived;
  const takeOver = useCallback((adopt: (s: LightState | null) => void) => {
    const l = light.current;
    if (!l) return adopt(null); // handed over already (a remount of the editor)
    l.handOver((s) => {
      // in this one task: Monaco out of inert, the light editor out of sight, Monaco takes it all
      monacoLayer.current!.inert = false;
      lightLayer.current!.hidden = true;
      adopt(s);
      light.current = null;
      setWhich('monaco');
    });
  }, []);
  return (
    <div className="editor-pane" data-editor={which}>
      {which === 'light' ? (
        <div className="editor-layer light-layer" ref={lightLayer}>
          <LightEditor ref={light} />
        </div>
      ) : null}
      {loadMonaco ? (
        <div className="editor-layer" ref={monacoLayer} inert={which === 'light'}>
          <Suspense fallback={null}>
            <Editor takeOver={takeOver} />
          </Suspense>
        </div>
      ) : null}
    </div>
  );
}
