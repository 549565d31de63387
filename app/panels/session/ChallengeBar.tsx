/**
 * The open challenge: its statement, its goals each marked passed or failed by the last Check
 * (with what went wrong), Check, and a link that shares the challenge without the program.
 */
import { useState } from 'react';
import { io, selectChallenge, selectGrade, selectGrading, selectChallengeProgress, useApp } from '../../store';
import { challengeUrl } from '../../lib/links';

export function ChallengeBar() {
  const ch = useApp(selectChallenge);
  const grade = useApp(selectGrade);
  const grading = useApp(selectGrading);
  const progress = useApp(selectChallengeProgress);
  const [copied, setCopied] = useState<string | null>(null);
  if (!ch) return null;
  const result = grade?.id === ch.id ? grade : null;
  const solved = progress[ch.id]?.solved;
  const share = async () => {
    const url = challengeUrl(ch.id);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(url);
    } catch {
      setCopied(url);
    }
  };
  return (
    <section aria-label="Challenge" className="lesson-bar challenge-bar">
      <details open>
        <summary>
          <strong>Challenge: {ch.title}</strong>
          {solved ? <span className="ok"> — solved</span> : null}
        </summary>
        <p>{ch.statement}</p>
        <ul className="goals" aria-label="Goals">
          {ch.goals.map((g) => {
            const r = result?.goals.find((x) => x.id === g.id);
            const state = r ? (r.pass ? 'pass' : 'fail') : 'unchecked';
            return (
              <li key={g.id} className={`goal ${state}`} data-goal={g.id} data-state={state}>
                <span className="goal-mark" aria-hidden="true">
                  {state === 'pass' ? '✔' : state === 'fail' ? '✘' : '○'}
                </span>{' '}
                {g.text}
                <span className="sr-only"> ({state === 'unchecked' ? 'not checked yet' : state === 'pass' ? 'passed' : 'failed'})</span>
                {r && !r.pass ? <span className="small goal-detail"> — {r.detail}</span> : null}
              </li>
            );
          })}
        </ul>
        {result ? (
          <p role="status" className={result.passed ? 'ok' : 'bad'}>
            {result.passed ? 'Every goal passed.' : `${result.goals.filter((g) => g.pass).length} of ${result.goals.length} goals passed.`}
          </p>
        ) : null}
        {copied ? <p className="small">Link to the challenge (without your program): <input readOnly className="mono" value={copied} aria-label="Challenge link" onFocus={(e) => e.target.select()} /></p> : null}
      </details>
      <div className="challenge-tools">
        <button type="button" className="btn" onClick={() => void io.checkChallenge()} disabled={grading} title="Run the program against the goals' hidden inputs">
          {grading ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="btn small" onClick={() => void share()} title="A link that opens this challenge with its starter, not your program">
          Share challenge
        </button>
        <button type="button" className="btn small" onClick={() => io.closeChallenge()}>
          Close challenge
        </button>
      </div>
    </section>
  );
}
