/** The open lesson: what it shows, what it is expected to do, and what to try next. */
import { io, selectLesson, useApp } from '../../store';
import { expectText } from '../../lib/lesson';
import { focusFirst } from '../../ui/focus';

export function LessonBar() {
  const lesson = useApp(selectLesson);
  if (!lesson) return null;
  return (
    <section aria-label="Lesson" className="lesson-bar">
      <details open>
        <summary>
          <strong>Lesson: {lesson.title}</strong>
        </summary>
        <p>{lesson.summary}</p>
        <p>
          <strong>Expected:</strong> <span className="expected">{expectText(lesson.expect)}</span>
        </p>
        <p className="try-head">
          <strong>Try next</strong>
        </p>
        <ul>
          {lesson.tryNext.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      </details>
      <button
        type="button"
        className="btn small"
        title="Keep the program, drop the lesson's text and set-up"
        onClick={() => {
          io.closeLesson();
          // the bar (and this button) goes: focus to the gallery's button, not the page's body
          focusFirst('lessons');
        }}
      >
        Close lesson
      </button>
    </section>
  );
}
