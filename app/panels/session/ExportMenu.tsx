/**
 * The Export menu (a menu button, arrow keys between its items): the program as hex slots, raw
 * bytes (downloaded at once), LLVM or ubpf text, or a run request for `bpflab run --json` and
 * kernel-oracle. Text formats open a dialog to read, copy or download them.
 */
import { io, selectExported, useApp } from '../../store';
import { download } from '../../lib/files';
import { useModal } from '../../ui/dialog';
import { MenuButton, type MenuItem } from '../../ui/Menu';
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

/** The exported text to read, copy or download (rendered once, whichever menu asked for it). */
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

/** The Export menu's items (the session menu takes them when the toolbar is narrow). */
export const EXPORT_ITEMS: MenuItem[] = ITEMS.map((it) => ({ label: `Export ${it.label.charAt(0).toLowerCase()}${it.label.slice(1)}`, onSelect: () => void exportAs(it.format) }));

export function ExportMenu() {
  return <MenuButton label="Export" items={ITEMS.map((it) => ({ label: it.label, onSelect: () => void exportAs(it.format) }))} />;
}

export { ExportDialog };
