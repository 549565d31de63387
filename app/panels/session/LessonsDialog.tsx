/**
 * The lesson gallery (loaded lazily with the lessons' data): the lessons by level with their
 * summaries; choosing one opens it in the editor with its settings, input and setup.
 */
import { LESSONS, LESSON_LEVELS } from '../../../src/lessons';
import { io } from '../../store';
import { Modal, useCloseModal } from '../../ui/Modal';

function Lessons() {
  const close = useCloseModal();
  return (
    <>
      <div className="dialog-head">
        <h2>Lessons</h2>
        <button type="button" className="btn small" onClick={close}>
          Close
        </button>
      </div>
      <p className="muted small">Opening a lesson replaces the program in the editor. Then Load and Run it.</p>
      {LESSON_LEVELS.map(({ level, title }) => (
        <section key={level} aria-labelledby={`lessons-${level}`}>
          <h3 id={`lessons-${level}`}>{title}</h3>
          <ul className="lesson-list">
            {LESSONS.filter((l) => l.level === level).map((l) => (
              <li key={l.id}>
                <button
                  type="button"
                  className="link lesson-title"
                  aria-describedby={`lesson-${l.id}`}
                  onClick={() => {
                    close();
                    void io.openLesson(l);
                  }}
                >
                  {l.title}
                </button>
                <p id={`lesson-${l.id}`} className="small muted">
                  {l.summary}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

export default function LessonsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal label="Lessons" className="dialog lessons" returnTo="lessons" onClose={onClose}>
      <Lessons />
    </Modal>
  );
}
