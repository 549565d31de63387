/**
 * The trace_printk lines a debug run printed, each with the step that printed it, kept for the
 * IDE's terminal: the newest `cap` lines, older ones counted as dropped. Adding and undoing the
 * newest line are O(1) (amortised), however long the run; undoing a line that was already dropped
 * only lowers the count. Positions (`total`, `since`) count every line ever added, so a reader
 * that remembered where it was keeps working when old lines go.
 */
interface TraceEntry {
  step: number;
  line: string;
}

/** Lines a debug run keeps for the terminal. */
const TRACE_LOG_LINES = 10_000;

export class TraceLog {
  private lines: TraceEntry[] = [];
  /** lines added and no longer kept */
  dropped = 0;

  constructor(private readonly cap = TRACE_LOG_LINES) {}

  /** About how many bytes the kept lines take. */
  get bytes(): number {
    return this.lines.length * 200;
  }

  /** Every line ever added (kept or dropped), and not undone. */
  get total(): number {
    return this.dropped + this.lines.length;
  }

  push(e: TraceEntry): void {
    this.lines.push(e);
    // trim in batches, so that a long run pays O(1) per line
    if (this.lines.length >= 2 * this.cap) {
      const cut = this.lines.length - this.cap;
      this.lines = this.lines.slice(cut);
      this.dropped += cut;
    }
  }

  /** Undoes the newest line. */
  pop(): void {
    if (this.lines.length) this.lines.pop();
    else if (this.dropped) this.dropped--;
  }

  /** Keeps only the newest `n` lines (the earlier repetitions of a run, which cannot be undone). */
  keepLast(n: number): void {
    if (this.lines.length <= n) return;
    this.dropped += this.lines.length - n;
    this.lines = this.lines.slice(-n);
  }

  /** The newest `n` kept lines. */
  last(n: number): TraceEntry[] {
    return this.lines.slice(-Math.min(n, this.cap));
  }

  /** The kept lines added since position `pos` (a value of `total`). */
  since(pos: number): TraceEntry[] {
    return this.lines.slice(Math.max(0, pos - this.dropped));
  }
}
