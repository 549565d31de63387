/**
 * The verifier log buffer with 4.8's rules: text is appended until it reaches log_size - 1
 * characters (the rest of the buffer is the NUL), possibly mid-line, and a log that reached
 * that length turns the load's result into ENOSPC. Level 0 writes nothing.
 */

/** The log as bpf_check writes it. */
export class VerifierLog {
  /** the level asked for; 0 when no log was requested */
  readonly level: number;
  private readonly limit: number;
  private readonly parts: string[] = [];
  private len = 0;

  constructor(level: number, size: number) {
    this.level = level;
    this.limit = level === 0 ? 0 : size - 1;
  }

  /** Whether anything appended now would be kept. */
  get writable(): boolean {
    return this.level !== 0 && this.len < this.limit;
  }

  /** verbose(): appends text, cut at log_size - 1 characters. */
  write(text: string): void {
    if (this.level === 0 || this.len >= this.limit) return;
    const room = this.limit - this.len;
    const kept = text.length <= room ? text : text.slice(0, room);
    this.parts.push(kept);
    this.len += kept.length;
  }

  /** The log filled its buffer: 4.8 answers ENOSPC whatever the verdict was. */
  get full(): boolean {
    return this.level !== 0 && this.len >= this.limit;
  }

  get length(): number {
    return this.len;
  }

  text(): string {
    if (this.parts.length > 1) {
      const joined = this.parts.join('');
      this.parts.length = 0;
      this.parts.push(joined);
    }
    return this.parts[0] ?? '';
  }
}
