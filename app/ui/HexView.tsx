/**
 * A hex dump, 16 bytes a row, with an ASCII column. Each byte can carry a name (the field it
 * belongs to, shown on hover) and a mark: read or written by the last step.
 */
import { memo } from 'react';

export type ByteMark = 'read' | 'write';

interface Props {
  bytes: Uint8Array;
  /** the field a byte belongs to, for its tooltip */
  nameOf?: (offset: number) => string | undefined;
  marks?: ReadonlyMap<number, ByteMark>;
  label: string;
  /** the offset of bytes[0]: rows, tooltips, names and marks count from it (negative below a context) */
  base?: number;
}

/** A row's offset in hex, signed: `0010`, `-0040`. */
const offsetText = (o: number): string => (o < 0 ? '-' : '') + Math.abs(o).toString(16).padStart(4, '0');

const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

export const HexView = memo(function HexView({ bytes, nameOf, marks, label, base = 0 }: Props) {
  const rows = [];
  for (let row = 0; row < bytes.length; row += 16) {
    const cells = [];
    let ascii = '';
    for (let i = row; i < Math.min(row + 16, bytes.length); i++) {
      const name = nameOf?.(base + i);
      const mark = marks?.get(base + i);
      cells.push(
        <span key={i} className={mark ? `hx ${mark}` : 'hx'} title={`${base + i}: 0x${bytes[i].toString(16).padStart(2, '0')}${name ? ` — ${name}` : ''}`}>
          {bytes[i].toString(16).padStart(2, '0')}
        </span>,
      );
      ascii += printable(bytes[i]);
    }
    rows.push(
      <div key={row} className="hxrow">
        <span className="hxoff">{offsetText(base + row)}</span>
        <span className="hxcells">{cells}</span>
        <span className="hxascii">{ascii}</span>
      </div>,
    );
  }
  return (
    <div className="hex mono" role="group" aria-label={label}>
      {rows.length ? rows : <span className="muted">(empty)</span>}
    </div>
  );
});
