/** What the io actions (share links and lessons; objects, captures, exports) share. */
import type { Actions } from './actions';
import type { ActionContext } from './context';
import type { State } from './state';

export interface IoContext extends ActionContext {
  /** the store's own actions (load, step, stop, notices, ...) */
  base: Actions;
  /** ends any run and forgets the load: the editor is about to hold another program */
  leaveProgram(): Promise<void>;
  /** what another program in the editor resets */
  fresh: Partial<State>;
}

export function makeIoContext(c: ActionContext, base: Actions): IoContext {
  return {
    ...c,
    base,
    async leaveProgram(): Promise<void> {
      if (c.get().busy === 'running' || c.get().snap) await base.stop();
    },
    fresh: { load: null, loadedSig: null, snap: null, maxStep: 0, diagnostics: [], program: null, objectChoice: null, tailSet: null, logProgram: null, inspect: null, provenance: null, witness: null, challenge: null, grade: null },
  };
}
