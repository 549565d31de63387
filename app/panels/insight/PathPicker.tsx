/** Which visit's state to show when several paths of the verifier's walk reached an instruction. */
import type { PathView, VerifierStateView } from '../../../src/protocol';
import { actions } from '../../store';

/** "path 2 (from 7 to 10)" */
function pathLabel(paths: readonly PathView[] | undefined, id: number): string {
  const p = paths?.[id];
  return !p || p.parent < 0 ? `path ${id} (from insn 0)` : `path ${id} (from ${p.from} to ${p.to})`;
}

export function PathPicker({ visit, choices, paths }: { visit: number; choices: readonly VerifierStateView[]; paths: readonly PathView[] | undefined }) {
  if (choices.length < 2) return <span className="small muted">{pathLabel(paths, choices[0]?.path ?? 0)}, the only path here</span>;
  return (
    <label className="small path-picker">
      {choices.length} paths reach it:{' '}
      <select aria-label="Path of the verifier's walk" value={visit} onChange={(e) => actions.inspectVisit(Number(e.target.value), false)}>
        {choices.map((v) => (
          <option key={v.order} value={v.order}>
            {pathLabel(paths, v.path)}, visit {v.order}
            {v.pruned ? ', pruned as safe' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
