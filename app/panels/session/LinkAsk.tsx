/**
 * A share link that may run more than the default budget, or replays far, asks before it runs
 * (docs/limits.md): run it to its step, open it without running, or leave the program as it is.
 */
import { io, selectLinkAsk, useApp } from '../../store';
import { Modal, useCloseModal } from '../../ui/Modal';

function Leave() {
  const close = useCloseModal();
  return (
    <button type="button" className="btn" onClick={close}>
      Don't open it
    </button>
  );
}

export function LinkAsk() {
  const ask = useApp(selectLinkAsk);
  if (!ask) return null;
  const n = (v: number) => v.toLocaleString('en-US');
  return (
    <Modal label="Open a share link" describedBy="link-ask-text" onClose={() => void io.answerLink(null)}>
      <h2>Run this link?</h2>
      <p id="link-ask-text">
        This link asks to run up to {n(ask.budget)} instructions
        {ask.step > 0 ? ` and replay to step ${n(ask.step)}` : ''}. Runs still stop at the time and memory limits in the
        settings.
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn" data-autofocus onClick={() => void io.answerLink('load')}>
          {ask.step > 0 ? 'Open without running' : 'Open it'}
        </button>{' '}
        {ask.step > 0 ? (
          <>
            <button type="button" className="btn" onClick={() => void io.answerLink('replay')}>
              Run to step {n(ask.step)}
            </button>{' '}
          </>
        ) : null}
        <Leave />
      </div>
    </Modal>
  );
}
