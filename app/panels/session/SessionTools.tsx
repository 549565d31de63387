/**
 * The toolbar's session group: the lesson gallery, opening a clang object or a packet capture,
 * the Export menu and the Share button. The gallery, the capture table and the export dialog
 * load lazily; the file inputs accept a click or a file dropped anywhere on the page (App).
 */
import { lazy, Suspense, useState, type ChangeEvent } from 'react';
import { actions, io, selectBusy, selectShare, useApp } from '../../store';
import { fileBytes } from '../../lib/files';
import { linkUrl, showLink } from '../../lib/links';
import { opener } from '../../ui/focus';
import { Modal, useCloseModal } from '../../ui/Modal';
import { ExportMenu } from './ExportMenu';

const LessonsDialog = lazy(() => import('./LessonsDialog'));

/** A file input that looks like a button; the input itself carries the name. */
function FileButton({ label, name, accept, onFile, disabled }: { label: string; name: string; accept: string; onFile: (name: string, bytes: Uint8Array) => void; disabled?: boolean }) {
  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) onFile(f.name, await fileBytes(f));
  };
  return (
    <label className={`btn file-btn${disabled ? ' disabled' : ''}`} title={`${label} (or drop the file on the page)`}>
      {label}
      {/* aria-disabled, not disabled: it keeps focus (and stays where focus returns) while it waits */}
      <input
        ref={opener(name)}
        type="file"
        accept={accept}
        aria-label={label}
        className="sr-only"
        aria-disabled={disabled || undefined}
        onClick={(e) => disabled && e.preventDefault()}
        onChange={(e) => void onChange(e)}
      />
    </label>
  );
}

function ShareClose() {
  const close = useCloseModal();
  return (
    <button type="button" className="btn small" onClick={close}>
      Close
    </button>
  );
}

function ShareBox() {
  const share = useApp(selectShare);
  if (!share) return null;
  return (
    <Modal label="Share link" describedBy="share-about" className="dialog share-box" returnTo="share" onClose={() => io.setShare(null)}>
      <h2>Share link</h2>
      <label className="block">
        Link
        <input readOnly value={share.url} className="mono" data-autofocus onFocus={(e) => e.target.select()} />
      </label>
      <p id="share-about" role="status" className="small">
        The link is {share.url.length.toLocaleString('en')} characters long. {share.copied ? 'It was copied to the clipboard.' : 'Copy it from the field above.'}
      </p>
      {share.warning ? <p className="small bad">{share.warning}</p> : null}
      <ShareClose />
    </Modal>
  );
}

async function share(): Promise<void> {
  const r = await io.shareFragment();
  if ('error' in r) {
    actions.notify('error', `The session cannot be shared: ${r.error}`);
    return;
  }
  const url = linkUrl(r.fragment);
  showLink(r.fragment);
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission: the field shows the link to copy by hand
  }
  io.setShare({ url, copied, ...(r.warning ? { warning: r.warning } : {}) });
}

export function SessionTools() {
  const [lessons, setLessons] = useState(false);
  const busy = useApp(selectBusy);
  return (
    <div className="group session-tools">
      <button ref={opener('lessons')} type="button" className="btn" aria-haspopup="dialog" onClick={() => setLessons(true)}>
        Lessons
      </button>
      <FileButton label="Open object" name="object" accept=".o,.elf,application/x-object" onFile={(n, b) => void io.openObject(n, b)} />
      <FileButton label="Open capture" name="capture" accept=".pcap,.pcapng,.cap" disabled={busy !== 'idle'} onFile={(n, b) => void io.openCapture(n, b)} />
      <ExportMenu />
      <button ref={opener('share')} type="button" className="btn" aria-haspopup="dialog" onClick={() => void share()} title="Put the whole session in a link and copy it">
        Share
      </button>
      <ShareBox />
      {lessons ? (
        <Suspense fallback={null}>
          <LessonsDialog onClose={() => setLessons(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}
