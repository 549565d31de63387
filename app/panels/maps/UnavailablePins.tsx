/**
 * Pins stored in bpffs that this kernel could not restore (a map that does not fit at this CPU
 * count, or a program whose map did not), with the reason, as `ls /sys/fs/bpf` lists them. They
 * stay stored and come back by themselves where they fit (fewer CPUs in Settings, then Load); the
 * only way they go is Remove, after a confirmation.
 */
import { useState } from 'react';
import { actions, selectUnavailablePins, useApp } from '../../store';
import type { UnavailablePinView } from '../../../src/protocol';
import { Modal, useCloseModal } from '../../ui/Modal';

function Keep() {
  const close = useCloseModal();
  return (
    <button type="button" className="btn" data-autofocus onClick={close}>
      Keep it
    </button>
  );
}

function ConfirmRemove({ pin, onClose }: { pin: UnavailablePinView; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    await actions.removeUnavailablePin(pin.path);
    onClose();
  };
  return (
    <Modal label={`Remove ${pin.path}`} describedBy="remove-pin-text" onClose={onClose}>
      <h2>Remove {pin.path}?</h2>
      <p id="remove-pin-text">
        The pinned {pin.kind} and everything stored with it are deleted for good. Kept, it comes back by itself in a
        kernel where it fits (for example with fewer CPUs in Settings).
      </p>
      <div className="dialog-actions">
        <Keep />{' '}
        <button type="button" className="btn" aria-disabled={busy} onClick={() => void (busy || remove())}>
          Remove for good
        </button>
      </div>
    </Modal>
  );
}

export function UnavailablePins() {
  const pins = useApp(selectUnavailablePins);
  const [asking, setAsking] = useState<UnavailablePinView | null>(null);
  if (!pins.length) return null;
  return (
    <section className="pad-s unavailable-pins" aria-label="Unavailable pins">
      <h3 className="small">Pinned, not available in this kernel</h3>
      <p className="small pin-hint">Kept in storage: it comes back in a kernel where it fits (for example with fewer CPUs in Settings, then Load).</p>
      <ul>
        {pins.map((p) => (
          <li key={p.path} className="small">
            <span className="mono">{p.path}</span> ({p.kind}): <span className="pin-reason">unavailable: {p.reason}</span>{' '}
            <button type="button" className="btn small" aria-label={`Remove ${p.path}`} onClick={() => setAsking(p)}>
              Remove…
            </button>
          </li>
        ))}
      </ul>
      {asking ? <ConfirmRemove pin={asking} onClose={() => setAsking(null)} /> : null}
    </section>
  );
}
