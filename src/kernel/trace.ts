/**
 * /sys/kernel/debug/tracing/trace_pipe: the records trace_printk writes, kept as Linux 4.8's
 * ftrace ring buffer keeps them, so that a program printing in a loop costs bounded memory and
 * constant time per line:
 *
 * - one ring per CPU of `TRACE_BUF_SIZE` bytes (4.8's default buffer_size_kb, 1408), in pages of
 *   4080 bytes of data (BUF_PAGE_SIZE: a 4096-byte page less its 16-byte header);
 * - a record takes `traceRecordBytes(len)`: struct print_entry (16 bytes) and the message with its
 *   NUL, behind a 4-byte event header (8 past 112 bytes of data), 4-byte aligned; records never
 *   straddle pages;
 * - the buffer overwrites (ftrace's default): when a CPU's ring is full, its oldest page is dropped
 *   whole and its records are counted as lost; the next read prints `CPU:N [LOST M EVENTS]` before
 *   that CPU's first record, as print_trace_line does.
 *
 * Reading consumes, as the real trace_pipe does; lines of all CPUs come out in the order they were
 * written. Writes and reads push their undo when the address space's journal records, so stepping
 * back removes a line (and what it overwrote comes back). Not modelled: time-extend events,
 * the reader page's swap, the per-CPU `buffer_size_kb` knob.
 */
import type { AddressSpace } from '../mem';

/** bytes of one CPU's ring: 4.8's TRACE_BUF_SIZE_DEFAULT (1441792, "16384 * 88") */
export const TRACE_BUF_SIZE = 1441792;
/** a page's data bytes: PAGE_SIZE less the buffer page header (timestamp and commit) */
export const BUF_PAGE_SIZE = 4080;
/** pages of one CPU's ring: DIV_ROUND_UP(TRACE_BUF_SIZE, BUF_PAGE_SIZE) */
export const TRACE_RING_PAGES = Math.ceil(TRACE_BUF_SIZE / BUF_PAGE_SIZE);

/** sizeof(struct print_entry) before its message: trace_entry (8) and ip (8) */
const PRINT_ENTRY = 16;
/** RB_MAX_SMALL_DATA: longer data keeps its length in an extra word */
const MAX_SMALL_DATA = 112;

/** Ring bytes a trace_printk record of an `msgLen`-character message takes (rb_calculate_event_length). */
export function traceRecordBytes(msgLen: number): number {
  const data = PRINT_ENTRY + msgLen + 1;
  const len = data + 4 + (data > MAX_SMALL_DATA ? 4 : 0);
  return Math.ceil(len / 4) * 4;
}

interface Rec {
  seq: number;
  line: string;
}

interface Page {
  recs: Rec[];
  used: number;
}

/** One CPU's ring: a queue of pages, the oldest dropped whole when a new one is needed. */
class CpuRing {
  /** pages oldest first, from `first`; dropped pages are released (set to null) */
  pages: (Page | null)[] = [];
  first = 0;
  /** records dropped since the last read (the LOST line's count) */
  overrun = 0;

  get count(): number {
    return this.pages.length - this.first;
  }
}

export class TracePipe {
  private readonly rings = new Map<number, CpuRing>();
  private seq = 0;
  /** records dropped since the kernel booted, all CPUs */
  private droppedTotal = 0;

  constructor(private readonly mem: AddressSpace) {}

  private ring(cpu: number): CpuRing {
    let r = this.rings.get(cpu);
    if (!r) this.rings.set(cpu, (r = new CpuRing()));
    return r;
  }

  /** Records overwritten before anyone read them, since boot. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends one record (its line without the newline) to `cpu`'s ring; `msgLen` sets its size. */
  write(line: string, cpu = 0, msgLen = line.length): void {
    const r = this.ring(cpu);
    const size = Math.min(traceRecordBytes(msgLen), BUF_PAGE_SIZE);
    const seq = this.seq++;
    let last = r.count ? r.pages[r.pages.length - 1]! : null;
    let dropped: Page | null = null;
    let added: Page | null = null;
    if (!last || last.used + size > BUF_PAGE_SIZE) {
      if (r.count === TRACE_RING_PAGES) {
        dropped = r.pages[r.first]!;
        r.pages[r.first++] = null;
        r.overrun += dropped.recs.length;
        this.droppedTotal += dropped.recs.length;
      }
      added = last = { recs: [], used: 0 };
      r.pages.push(added);
    }
    const page = last;
    page.recs.push({ seq, line });
    page.used += size;
    if (r.first > 4096 && r.first * 2 > r.pages.length) this.compact(r);
    this.mem.journal?.push(() => {
      page.recs.pop();
      page.used -= size;
      this.seq = seq;
      if (added) r.pages.pop();
      if (dropped) {
        this.restorePage(r, dropped);
        r.overrun -= dropped.recs.length;
        this.droppedTotal -= dropped.recs.length;
      }
    });
  }

  /** Drops the released slots at the front of a ring's page list (amortised O(1) a write). */
  private compact(r: CpuRing): void {
    r.pages = r.pages.slice(r.first);
    r.first = 0;
  }

  /** Puts a dropped page back at the front of its ring (undo of a write). */
  private restorePage(r: CpuRing, page: Page): void {
    if (r.first > 0) r.pages[--r.first] = page;
    else r.pages.unshift(page);
  }

  /** Every unread record, all CPUs, in the order written, with LOST lines where records were dropped. */
  private collect(): string[] {
    const all: { seq: number; line: string }[] = [];
    for (const [cpu, r] of [...this.rings].sort((a, b) => a[0] - b[0])) {
      const recs: Rec[] = [];
      for (let i = r.first; i < r.pages.length; i++) recs.push(...r.pages[i]!.recs);
      if (r.overrun && recs.length) all.push({ seq: recs[0].seq - 0.5, line: `CPU:${cpu} [LOST ${r.overrun} EVENTS]` });
      all.push(...recs);
    }
    return all.sort((a, b) => a.seq - b.seq).map((x) => x.line);
  }

  /** Takes every line written since the last read (consuming, as trace_pipe does). */
  read(): string[] {
    const out = this.collect();
    const saved = [...this.rings].map(([cpu, r]) => [cpu, r.pages, r.first, r.overrun] as const);
    for (const r of this.rings.values()) {
      r.pages = [];
      r.first = 0;
      r.overrun = 0;
    }
    this.mem.journal?.push(() => {
      for (const [cpu, pages, first, overrun] of saved) Object.assign(this.ring(cpu), { pages, first, overrun });
    });
    return out;
  }

  /** The unread lines, without consuming them. */
  peek(): readonly string[] {
    return this.collect();
  }
}
