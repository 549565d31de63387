/**
 * The Export menu (the WAI-ARIA menu button: Enter, Space or ArrowDown open it on its first item,
 * ArrowUp on its last; arrows, Home and End move; Escape or Tab close it and focus returns to the
 * button): the program as hex slots, raw bytes (downloaded at once), LLVM or ubpf text, or a run
 * request for `bpflab run --json` and kernel-oracle. Text formats open a modal dialog to read,
 * copy or download them; closing it puts focus back on the Export button.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { io, selectExported, useApp } from '../../store';
import { download } from '../../lib/files';
import { Modal, useCloseModal } from '../../ui/Modal';
import { opener } from '../../ui/focus';
import type { ExportFormat } from '../../../src/protocol';

const ITEMS: { format: ExportFormat; label: string }[] = [
  { format: 'hex', label: 'Hex slots' },
  { format: 'bytes', label: 'Raw bytes (download)' },
  { format: 'llvm', label: 'LLVM text' },
  { format: 'ubpf', label: 'ubpf text' },
  { format: 'request', label: 'Run request (JSON)' },
];

async function exportAs(format: ExportFormat): Promise<void> {
  const r = await io.exportAs(format);
  if (r?.ok && r.bytes) download(r.filename, r.bytes, r.mime);
}

function ExportButtons({ text, filename, mime }: { text: string; filename: string; mime: string }) {
  const close = useCloseModal();
  return (
    <div className="row">
      <button type="button" className="btn" onClick={() => download(filename, text, mime)}>
        Download
      </button>
      <button type="button" className="btn" onClick={() => void navigator.clipboard?.writeText(text).catch(() => undefined)}>
        Copy
      </button>
      <button type="button" className="btn" onClick={close}>
        Close
      </button>
    </div>
  );
}

function ExportDialog() {
  const exported = useApp(selectExported);
  if (!exported) return null;
  return (
    <Modal label={`Export: ${exported.filename}`} returnTo="export" onClose={() => io.closeExport()}>
      <h2>{exported.filename}</h2>
      <textarea aria-label="Exported text" readOnly rows={18} className="mono" value={exported.text} data-autofocus />
      <ExportButtons text={exported.text} filename={exported.filename} mime={exported.mime} />
    </Modal>
  );
}

/** Where a key moves the menu's focus: the index of the next item, or null if the key is not the menu's. */
function menuMove(key: string, at: number, n: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return (at + 1) % n;
    case 'ArrowUp':
      return (at + n - 1) % n;
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
    default:
      return null;
  }
}

export function ExportMenu() {
  // the item to focus when the menu opens: 0, the last, or null when closed
  const [open, setOpen] = useState<number | null>(null);
  const button = useRef<HTMLButtonElement | null>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const register = opener('export');
  useEffect(() => {
    if (open !== null) items.current[open]?.focus();
  }, [open]);
  const close = (refocus: boolean) => {
    setOpen(null);
    if (refocus) button.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const at = items.current.indexOf(document.activeElement as HTMLButtonElement);
    const next = menuMove(e.key, at, ITEMS.length);
    if (next !== null) items.current[next]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') close(true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(e.key === 'ArrowDown' ? 0 : ITEMS.length - 1);
    }
  };
  return (
    <span className="menu-anchor">
      <button
        ref={(el) => {
          button.current = el;
          register(el);
        }}
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open !== null}
        aria-controls={open !== null ? 'export-menu' : undefined}
        onClick={() => (open !== null ? close(false) : setOpen(0))}
        onKeyDown={onButtonKey}
      >
        Export
      </button>
      {open !== null ? (
        <div
          role="menu"
          id="export-menu"
          aria-label="Export"
          className="popover menu"
          onKeyDown={onMenuKey}
          onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && e.relatedTarget !== button.current && close(false)}
        >
          {ITEMS.map((it, i) => (
            <button
              key={it.format}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                // the menu closes on the button, where the dialog (if any) returns focus
                close(true);
                void exportAs(it.format);
              }}
            >
              {it.label}
            </button>
          ))}
        </div>
      ) : null}
      <ExportDialog />
    </span>
  );
}
