/**
 * /sys/kernel/debug/tracing/trace_pipe: the lines trace_printk writes (the helper formats them),
 * kept in order until read. Reading consumes, as the real trace_pipe does. Writes and reads push
 * their undo when the address space's journal records, so stepping back removes a line again.
 */
import type { AddressSpace } from '../mem';

/** The most lines kept; older ones are dropped, like a full ring buffer. */
export const TRACE_PIPE_MAX_LINES = 65536;

export class TracePipe {
  private lines: string[] = [];

  constructor(private readonly mem: AddressSpace) {}

  /** Appends one line (without its newline). */
  write(line: string): void {
    const dropped = this.lines.length >= TRACE_PIPE_MAX_LINES ? this.lines.shift() : undefined;
    this.lines.push(line);
    this.mem.journal?.push(() => {
      this.lines.pop();
      if (dropped !== undefined) this.lines.unshift(dropped);
    });
  }

  /** Takes every line written since the last read. */
  read(): string[] {
    const taken = this.lines;
    this.lines = [];
    this.mem.journal?.push(() => (this.lines = taken));
    return taken;
  }

  /** The unread lines, without consuming them. */
  peek(): readonly string[] {
    return this.lines;
  }
}
