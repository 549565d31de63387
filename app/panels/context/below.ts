/** Which bytes below a context the Context panel shows (a tracepoint's record has 32 KiB under it). */
import type { ByteMark } from '../../ui/HexView';

/** Rows of 16 bytes below the context to show: the four right below it, and every row the last step touched. */
export function belowWindows(size: number, marks: ReadonlyMap<number, ByteMark>): { start: number; end: number }[] {
  const rows = new Set<number>();
  for (let r = -64; r < 0; r += 16) if (r >= -size) rows.add(r);
  for (const o of marks.keys()) if (o < 0 && o >= -size) rows.add(Math.floor(o / 16) * 16);
  const out: { start: number; end: number }[] = [];
  for (const r of [...rows].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last.end === r) last.end = r + 16;
    else out.push({ start: r, end: r + 16 });
  }
  return out;
}
