/**
 * The Export menu (a menu button, arrow keys between its items): the program as hex slots, raw
 * bytes (downloaded at once), LLVM or ubpf text, or a run request for `bpflab run --json` and
 * kernel-oracle. Text formats open a dialog to read, copy or download them.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { io, selectExported, useApp } from '../../store';
import { download } from '../../lib/files';
import { useModal } from '../../ui/dialog';
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

function ExportDialog() {
  const exported = useApp(selectExported);
  const ref = useModal(exported);
  if (!exported) return null;
  return (
    <dialog ref={ref} aria-label="Export" className="dialog" onClose={() => io.closeExport()}>
      <h2>{exported.filename}</h2>
      <textarea aria-label="Exported text" readOnly rows={18} className="mono" value={exported.text} />
      <div className="row">
        <button type="button" className="btn" onClick={() => download(exported.filename, exported.text, exported.mime)}>
          Download
        </button>
        <button type="button" className="btn" onClick={() => void navigator.clipboard?.writeText(exported.text).catch(() => undefined)}>
          Copy
        </button>
        <button type="button" className="btn" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}

export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  useEffect(() => {
    if (open) items.current[0]?.focus();
  }, [open]);
  const onKey = (e: KeyboardEvent) => {
    const i = items.current.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') setOpen(false);
    else if (e.key === 'ArrowDown') items.current[(i + 1) % ITEMS.length]?.focus();
    else if (e.key === 'ArrowUp') items.current[(i + ITEMS.length - 1) % ITEMS.length]?.focus();
    else return;
    e.preventDefault();
  };
  return (
    <span className="menu-anchor" onKeyDown={onKey}>
      <button type="button" className="btn" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        Export
      </button>
      {open ? (
        <div role="menu" aria-label="Export" className="popover menu" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
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
                setOpen(false);
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
