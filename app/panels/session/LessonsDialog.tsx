/**
 * The lesson gallery (loaded lazily with the lessons' data): the lessons by level with their
 * summaries, then the graded challenges by level with the progress kept in this browser;
 * choosing one opens it in the editor with its settings, input and setup (or its starter).
 */
import { CHALLENGES, LESSONS, LESSON_LEVELS } from '../../../src/lessons';
import { io, selectChallengeProgress, useApp } from '../../store';
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
      <Challenges />
    </>
  );
}

function Challenges() {
  const close = useCloseModal();
  const progress = useApp(selectChallengeProgress);
  const solved = CHALLENGES.filter((c) => progress[c.id]?.solved).length;
  return (
    <section aria-labelledby="challenges-head" className="challenges">
      <h2 id="challenges-head">Challenges</h2>
      <p className="muted small">
        Write the program; Check runs it on inputs you do not see. {solved} of {CHALLENGES.length} solved in this browser.
      </p>
      {LESSON_LEVELS.map(({ level, title }) => {
        const cs = CHALLENGES.filter((c) => c.level === level);
        if (!cs.length) return null;
        return (
          <div key={level} role="group" aria-labelledby={`challenges-${level}`}>
            <h3 id={`challenges-${level}`}>Challenges: {title}</h3>
            <ul className="lesson-list">
              {cs.map((c) => {
                const p = progress[c.id];
                const mark = p?.solved ? 'solved' : p ? `${p.goals.length} of ${c.goals.length} goals` : '';
                return (
                  <li key={c.id} data-challenge={c.id}>
                    <button
                      type="button"
                      className="link lesson-title"
                      aria-describedby={`challenge-${c.id}`}
                      onClick={() => {
                        close();
                        void io.openChallenge(c);
                      }}
                    >
                      {c.title}
                    </button>
                    {mark ? <span className={`small challenge-mark${p?.solved ? ' ok' : ''}`}> — {mark}</span> : null}
                    <p id={`challenge-${c.id}`} className="small muted">
                      {c.statement}
                    </p>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

export default function LessonsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal label="Lessons" className="dialog lessons" returnTo="lessons" onClose={onClose}>
      <Lessons />
    </Modal>
  );
}
