/**
 * Journal: the undo log that makes stepping back exact. Whoever changes state while a journal
 * is recording (memory, maps, the simulated world, the VM's frames) pushes a function that
 * undoes the change; `rewindTo(mark)` runs them newest first. When nothing records, the cost is
 * one null check.
 *
 * The journal counts the bytes it holds (each entry says what it costs, a small closure by
 * default) so that its owner can keep it under a bound, and it can forget its oldest entries
 * (`dropBefore`): the VM's history does that when it gives up its oldest checkpoints. Marks are
 * absolute positions, so marks taken before a drop stay valid after it.
 */
type Undo = () => void;

/**
 * What an entry costs when its pusher does not say: a closure holding a few values, with its
 * slots in the journal's arrays and the context it keeps (measured in Node 20: 125 bytes for the
 * smallest, about 240 on average over the kernel's undos of a map-updating loop).
 */
export const UNDO_COST = 192;
/** A byte copy's own cost beyond its bytes (a typed array's object and its buffer's, measured: about 190 bytes). */
export const COPY_COST = 192;

export class Journal {
  private undos: (Undo | null)[] = [];
  private costs: number[] = [];
  /** index of the first live entry in the arrays (entries before it were dropped) */
  private head = 0;
  /** absolute position of the arrays' index 0 */
  private base = 0;
  /** bytes the live entries hold, as their pushers estimated them */
  bytes = 0;

  /** Records how to undo a change that was just made; `cost` estimates the bytes the undo holds. */
  push(undo: Undo, cost = UNDO_COST): void {
    this.undos.push(undo);
    this.costs.push(cost);
    this.bytes += cost;
  }

  /** A position to rewind to later. */
  mark(): number {
    return this.base + this.undos.length;
  }

  /** The oldest position still reachable. */
  get start(): number {
    return this.base + this.head;
  }

  /** Undoes every change made since `mark`, newest first (at most back to `start`). */
  rewindTo(mark: number): void {
    const stop = Math.max(mark, this.start) - this.base;
    while (this.undos.length > stop) {
      this.bytes -= this.costs.pop()!;
      this.undos.pop()!();
    }
  }

  /** Forgets the entries before `mark` (their changes stay): positions before it can no longer be reached. */
  dropBefore(mark: number): void {
    const to = Math.min(mark - this.base, this.undos.length);
    for (let i = this.head; i < to; i++) {
      this.bytes -= this.costs[i];
      this.undos[i] = null;
    }
    if (to > this.head) this.head = to;
    // compact once the dropped part is the larger half: amortised O(1) a drop
    if (this.head > 1024 && this.head * 2 > this.undos.length) {
      this.undos = this.undos.slice(this.head);
      this.costs = this.costs.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  /** Forgets everything (the changes stay). */
  clear(): void {
    if (this.undos.length === 0) return;
    this.base += this.undos.length;
    this.undos.length = 0;
    this.costs.length = 0;
    this.head = 0;
    this.bytes = 0;
  }

  /** live entries */
  get size(): number {
    return this.undos.length - this.head;
  }
}
