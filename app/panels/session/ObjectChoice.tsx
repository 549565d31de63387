/** Which program of a clang object with several program sections goes into the editor. */
import { io, selectObjectChoice, useApp } from '../../store';
import { useModal } from '../../ui/dialog';

export function ObjectChoice() {
  const choice = useApp(selectObjectChoice);
  const ref = useModal(choice);
  if (!choice) return null;
  return (
    <dialog ref={ref} aria-label="Choose a program" className="dialog" onClose={() => void io.chooseObjectProgram(null)}>
      <h2>{choice.file} holds {choice.programs.length} programs</h2>
      <ul className="lesson-list">
        {choice.programs.map((p, i) => (
          <li key={p.section}>
            <button type="button" className="btn" onClick={() => void io.chooseObjectProgram(i)}>
              {p.description}
            </button>{' '}
            <span className="muted small">
              {p.name}, {p.slots} instructions
            </span>
          </li>
        ))}
      </ul>
      <button type="button" className="btn" onClick={() => ref.current?.close()}>
        Cancel
      </button>
    </dialog>
  );
}
