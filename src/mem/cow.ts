/**
 * Page copy-on-write for the VM's history: while a history segment records, the first write to
 * each 256-byte page of a region saves the page's bytes in the journal, once; later writes to the
 * page in the same segment cost a comparison. Rewinding the journal restores the pages as they
 * were when the segment began, so the undo log of a segment holds at most the pages it touched,
 * however many stores ran (a loop writing the same stack slot a million times saves one page).
 */
import { COPY_COST, type Journal } from './journal';

export const COW_PAGE = 256;
const SHIFT = 8;

/** What the copy-on-write needs of a region (mem/space.ts's Region has it). */
interface Paged {
  bytes: Uint8Array;
  pages?: Uint32Array;
}

/** Segment numbers are unique across all histories, so a page's mark never matches by accident. */
let lastSegment = 0;

export class PageCow {
  private segment = ++lastSegment;

  constructor(private readonly journal: Journal) {}

  /** Starts a new segment (after a checkpoint, or after rewinding to one): pages are saved again on their next write. */
  renew(): void {
    this.segment = ++lastSegment;
  }

  /** Saves the pages of [offset, offset + size) of `r` that this segment has not saved yet; call before writing them. */
  touch(r: Paged, offset: number, size: number): void {
    const bytes = r.bytes;
    let marks = r.pages;
    if (marks === undefined || marks.length << SHIFT < bytes.length) {
      const grown = new Uint32Array((bytes.length + COW_PAGE - 1) >> SHIFT);
      if (marks !== undefined) grown.set(marks.subarray(0, grown.length));
      marks = r.pages = grown;
    }
    const seg = this.segment;
    const last = Math.min(offset + size - 1, bytes.length - 1) >> SHIFT;
    for (let p = offset >> SHIFT; p <= last; p++) {
      if (marks[p] === seg) continue;
      marks[p] = seg;
      const at = p << SHIFT;
      const old = bytes.slice(at, at + COW_PAGE);
      this.journal.push(() => bytes.set(old, at), COPY_COST + old.length);
    }
  }
}
