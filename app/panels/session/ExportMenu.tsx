/**
 * The Export menu (the WAI-ARIA menu button: Enter, Space or ArrowDown open it on its first item,
 * ArrowUp on its last; arrows, Home and End move; Escape or Tab close it and focus returns to the
 * button): the program as hex slots, raw bytes (downloaded at once), LLVM or ubpf text, or a run
 * request for `bpflab run --json` and kernel-oracle. Text formats open a modal dialog to read,
 * copy or download them; closing it puts focus back on the Export button.
 */
import { io, selectExported, useApp } from '../../store';
import { download } from '../../lib/files';
import { Modal, useCloseModal } from '../../ui/Modal';
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

/** The exported text to read, copy or download (focus returns to whichever menu asked for it). */
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

/** The Export menu's items (the session menu takes them when the toolbar is narrow). */
/** "Hex slots" -> "hex slots", but "LLVM text" stays (an acronym keeps its capitals). */
const inSentence = (label: string): string => (/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label);

export const EXPORT_ITEMS: MenuItem[] = ITEMS.map((it) => ({ label: `Export ${inSentence(it.label)}`, onSelect: () => void exportAs(it.format) }));

/** The Export menu button; the dialog is rendered once by the session tools. */
export function ExportMenu() {
  return <MenuButton label="Export" openers={['export']} items={ITEMS.map((it) => ({ label: it.label, onSelect: () => void exportAs(it.format) }))} />;
}

export { ExportDialog };
