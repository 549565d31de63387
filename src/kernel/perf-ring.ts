/**
 * The ring buffer of one BPF-output perf event, as Linux 4.8's kernel/events/ring_buffer.c keeps
 * it for a reader that mapped `pages` data pages (samples/bpf's loader maps 8): bpf_perf_event_output
 * writes a PERF_RECORD_SAMPLE of `8 + round_up(4 + size, 8)` bytes (header, u32 raw size, the raw
 * bytes padded to 8) when it fits in the space the reader has not consumed yet
 * (`CIRC_SPACE(head, tail, size)`, one byte short of the ring). When it does not fit, the sample is
 * lost and counted; the next sample that fits is preceded by a 24-byte PERF_RECORD_LOST with that
 * count, exactly as perf_output_begin does it. The helper returns 0 either way (4.8 ignores the
 * outcome of perf_event_output).
 *
 * The reader (run --json after a run, or the shell) consumes records; without a reader the ring
 * fills up and later samples are lost, as on a real machine. Every change pushes its undo on the
 * address space's journal, so stepping back removes a sample (and its loss) again.
 */
import type { AddressSpace } from '../mem';

export const PERF_PAGE_SIZE = 4096;
/** data pages of a ring when none is said: samples/bpf's perf_event_mmap (page_cnt = 8) */
export const PERF_DEFAULT_PAGES = 8;
/** most data pages a simulated reader may map (perf allows any power of two within mlock limits) */
export const PERF_MAX_PAGES = 1024;
/** sizeof(struct perf_event_header) */
const HEADER = 8;
/** PERF_RECORD_LOST: header, id, lost */
export const LOST_RECORD_BYTES = 24;
/** perf_event_header.size is a u16: larger records cannot be written */
const MAX_RECORD = 0xffff;

/** What a reader of the ring sees, oldest first. */
type PerfRecord = { kind: 'sample'; cpu: number; data: Uint8Array } | { kind: 'lost'; cpu: number; lost: number };

/** Bytes a PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW of `size` raw bytes takes. */
export const sampleBytes = (size: number): number => HEADER + Math.ceil((size + 4) / 8) * 8;

/** Whether `pages` is a data size perf accepts: a power of two from 1 to PERF_MAX_PAGES. */
export const validPages = (pages: number): boolean => Number.isInteger(pages) && pages >= 1 && pages <= PERF_MAX_PAGES && (pages & (pages - 1)) === 0;

interface Stored {
  rec: PerfRecord;
  bytes: number;
}

export class PerfRing {
  /** bytes of data the ring holds (pages x 4096) */
  readonly size: number;
  /** bytes written and consumed since the event was opened (rb->head, data_tail) */
  private head = 0;
  private tail = 0;
  /** records not consumed yet, oldest first */
  private records: Stored[] = [];
  /** samples lost since the last PERF_RECORD_LOST was written (rb->lost) */
  private pendingLost = 0;
  /** every sample lost since the event was opened */
  private lostTotal = 0;

  constructor(
    private readonly mem: AddressSpace,
    pages = PERF_DEFAULT_PAGES,
  ) {
    this.size = pages * PERF_PAGE_SIZE;
  }

  /** CIRC_SPACE(head, tail, size): what may still be written before the reader's position. */
  private get space(): number {
    return (this.tail - (this.head + 1)) & (this.size - 1);
  }

  /** Samples lost since the event was opened (what perf reports in its LOST records, summed). */
  get lost(): number {
    return this.lostTotal;
  }

  /** Bytes of records waiting for the reader. */
  get used(): number {
    return this.head - this.tail;
  }

  /** perf_event_output of one raw sample on `cpu`: written (true) or lost (false). */
  output(cpu: number, data: Uint8Array): boolean {
    const sample = sampleBytes(data.length);
    const lost = this.pendingLost;
    const need = sample + (lost ? LOST_RECORD_BYTES : 0);
    const before = { head: this.head, pendingLost: lost, lostTotal: this.lostTotal, n: this.records.length };
    const undo = () => {
      this.head = before.head;
      this.pendingLost = before.pendingLost;
      this.lostTotal = before.lostTotal;
      this.records.length = before.n;
    };
    if (sample > MAX_RECORD || this.space < need) {
      this.pendingLost++;
      this.lostTotal++;
      this.mem.journal?.push(undo);
      return false;
    }
    if (lost) this.records.push({ rec: { kind: 'lost', cpu, lost }, bytes: LOST_RECORD_BYTES });
    this.records.push({ rec: { kind: 'sample', cpu, data }, bytes: sample });
    this.head += need;
    this.pendingLost = 0;
    this.mem.journal?.push(undo);
    return true;
  }

  /** The records waiting for the reader, without consuming them. */
  peek(): PerfRecord[] {
    return this.records.map((s) => s.rec);
  }

  /** Consumes every waiting record (the reader moves data_tail to head). */
  read(): PerfRecord[] {
    const taken = this.records;
    const tail = this.tail;
    this.records = [];
    this.tail = this.head;
    this.mem.journal?.push(() => {
      this.records = taken;
      this.tail = tail;
    });
    return taken.map((s) => s.rec);
  }
}
