/**
 * The toolbar's session group: the lesson gallery, opening a clang object or a packet capture,
 * the Export menu and the Share button. How much shows inline depends on the width (`fit`):
 * everything, Open as a menu, or one Session menu; the file inputs are always on the page (a
 * menu item clicks them), so a file can also be dropped anywhere (App). The gallery, the capture
 * table and the export dialog load lazily.
 */
import { lazy, Suspense, useRef, useState, type ChangeEvent, type RefObject } from 'react';
import { actions, io, selectBusy, selectShare, useApp } from '../../store';
import { fileBytes } from '../../lib/files';
import { linkUrl, showLink } from '../../lib/links';
import { MenuButton, type MenuItem } from '../../ui/Menu';
import { opener } from '../../ui/focus';
import { Modal, useCloseModal } from '../../ui/Modal';
import { ExportDialog, ExportMenu, EXPORT_ITEMS } from './ExportMenu';

const LessonsDialog = lazy(() => import('./LessonsDialog'));

type Fit = 'all' | 'open-menu' | 'session-menu';

/** A hidden file input named `label`; shown as a button when `visible`, else clicked by a menu item. */
function FileInput({ label, name, accept, onFile, disabled, visible, inputRef }: { label: string; name: string; accept: string; onFile: (name: string, bytes: Uint8Array) => void; disabled?: boolean; visible: boolean; inputRef: RefObject<HTMLInputElement | null> }) {
  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) onFile(f.name, await fileBytes(f));
  };
  const input = (
    // aria-disabled, not disabled: it keeps focus (and stays where focus returns) while it waits
    <input
      ref={(el) => {
        inputRef.current = el;
        // in a menu, the menu's button stands for it (focus returns there)
        if (visible) opener(name)(el);
      }}
      type="file"
      accept={accept}
      aria-label={label}
      className="sr-only"
      tabIndex={visible ? 0 : -1}
      aria-disabled={disabled || undefined}
      onClick={(e) => disabled && e.preventDefault()}
      onChange={(e) => void onChange(e)}
    />
  );
  if (!visible) return input;
  return (
    <label className={`btn file-btn${disabled ? ' disabled' : ''}`} title={`${label} (or drop the file on the page)`}>
      {label}
      {input}
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

export function SessionTools({ fit }: { fit: Fit }) {
  const [lessons, setLessons] = useState(false);
  const busy = useApp(selectBusy);
  const objectInput = useRef<HTMLInputElement>(null);
  const captureInput = useRef<HTMLInputElement>(null);
  const openItems: MenuItem[] = [
    { label: 'Open object…', onSelect: () => objectInput.current?.click(), title: 'A .o compiled by clang -target bpf' },
    { label: 'Open capture…', onSelect: () => captureInput.current?.click(), disabled: busy !== 'idle', title: 'A pcap or pcapng file' },
  ];
  const inputs = (
    <>
      <FileInput label="Open object" name="object" accept=".o,.elf,application/x-object" visible={fit === 'all'} inputRef={objectInput} onFile={(n, b) => void io.openObject(n, b)} />
      <FileInput label="Open capture" name="capture" accept=".pcap,.pcapng,.cap" visible={fit === 'all'} inputRef={captureInput} disabled={busy !== 'idle'} onFile={(n, b) => void io.openCapture(n, b)} />
    </>
  );
  const lessonsButton = (
    <button ref={opener('lessons')} type="button" className="btn" aria-haspopup="dialog" onClick={() => setLessons(true)}>
      Lessons
    </button>
  );
  const shareButton = (
    <button ref={opener('share')} type="button" className="btn" aria-haspopup="dialog" onClick={() => void share()} title="Put the whole session in a link and copy it">
      Share
    </button>
  );
  return (
    <div className="group session-tools">
      {fit === 'session-menu' ? (
        <MenuButton
          label="Session"
          openers={['lessons', 'object', 'capture', 'export', 'share']}
          items={[{ label: 'Lessons…', onSelect: () => setLessons(true) }, ...openItems, ...EXPORT_ITEMS, { label: 'Share', onSelect: () => void share() }]}
        />
      ) : (
        <>
          {lessonsButton}
          {fit === 'open-menu' ? <MenuButton label="Open" openers={['object', 'capture']} items={openItems} /> : null}
          {inputs}
          <ExportMenu />
          {shareButton}
        </>
      )}
      {fit === 'session-menu' ? inputs : null}
      <ExportDialog />
      <ShareBox />
      {lessons ? (
        <Suspense fallback={null}>
          <LessonsDialog onClose={() => setLessons(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}
