/**
 * Which program of a clang object with several program sections goes into the editor, or all of
 * them as one tail-call set when its section names wire them into its prog_arrays.
 */
import { io, selectObjectChoice, useApp } from '../../store';
import { Modal, useCloseModal } from '../../ui/Modal';
import { slotText } from '../../lib/format';

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
        {choice.set ? (
          <li>
            <button type="button" className="btn" onClick={() => void io.chooseObjectProgram('all')}>
              All {choice.set.progs.length + 1} programs{choice.set.slots.length ? ', tail calls wired' : ''}
            </button>{' '}
            <span className="muted small">
              {choice.programs[choice.set.main].name} in the editor, the others beside it
              {choice.set.slots.length ? `; ${choice.set.slots.map(slotText).join(', ')}` : ''}
            </span>
          </li>
        ) : null}
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
