/**
 * Journal: the undo log that makes stepping back exact. Whoever changes state while a journal
 * is recording (memory, maps, the simulated world, the VM's registers) pushes a function that
 * undoes the change; `rewindTo(mark)` runs them newest first. When nothing records, the cost is
 * one null check.
 */
type Undo = () => void;

export class Journal {
  private readonly undos: Undo[] = [];

  /** Records how to undo a change that was just made. */
  push(undo: Undo): void {
    this.undos.push(undo);
  }

  /** A position to rewind to later. */
  mark(): number {
    return this.undos.length;
  }

  /** Undoes every change made since `mark`, newest first. */
  rewindTo(mark: number): void {
    while (this.undos.length > mark) this.undos.pop()!();
  }

  /** Forgets everything (the changes stay). */
  clear(): void {
    this.undos.length = 0;
  }

  get size(): number {
    return this.undos.length;
  }
}
