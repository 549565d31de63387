/** Which program of a clang object with several program sections goes into the editor. */
import { io, selectObjectChoice, useApp } from '../../store';
import { Modal, useCloseModal } from '../../ui/Modal';

function Cancel() {
  const close = useCloseModal();
  return (
    <button type="button" className="btn" onClick={close}>
      Cancel
    </button>
  );
}

export function ObjectChoice() {
  const choice = useApp(selectObjectChoice);
  if (!choice) return null;
  return (
    <Modal label="Choose a program" returnTo="object" onClose={() => void io.chooseObjectProgram(null)}>
      <h2>
        {choice.file} holds {choice.programs.length} programs
      </h2>
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
      <Cancel />
    </Modal>
  );
}
