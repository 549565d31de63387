/**
 * The terminal's transcript as data: shell commands, their output, and the trace_printk lines of
 * the current run tagged with the step that printed them. The run's lines always equal the
 * snapshot's, so stepping back takes lines away and stepping forward prints them again.
 * `epoch` changes whenever lines are taken away, telling the view to redraw from scratch.
 */

export interface TermEntry {
  kind: 'cmd' | 'out' | 'err' | 'trace' | 'note';
  text: string;
  /** the run and step that printed a trace line */
  run?: number;
  step?: number;
}

export interface TermState {
  entries: TermEntry[];
  epoch: number;
}

/** Entries kept; older ones scroll away for good. */
const TERM_LIMIT = 5000;

function capped(t: TermState): TermState {
  if (t.entries.length <= TERM_LIMIT) return t;
  return { entries: t.entries.slice(t.entries.length - TERM_LIMIT), epoch: t.epoch + 1 };
}

/** Appends entries (a command and its output, a note). */
export function appendTerm(t: TermState, ...add: TermEntry[]): TermState {
  return capped({ entries: [...t.entries, ...add], epoch: t.epoch });
}

/** Makes the run's trace lines in the transcript equal to the snapshot's. */
export function reconcileTrace(t: TermState, runId: number, trace: readonly { step: number; line: string }[]): TermState {
  let have = 0;
  for (const e of t.entries) if (e.kind === 'trace' && e.run === runId) have++;
  if (have === trace.length) return t;
  if (have < trace.length) {
    const add = trace.slice(have).map((x): TermEntry => ({ kind: 'trace', text: x.line, run: runId, step: x.step }));
    return appendTerm(t, ...add);
  }
  // stepped back: drop this run's newest lines
  let drop = have - trace.length;
  const entries = [...t.entries];
  for (let i = entries.length - 1; i >= 0 && drop > 0; i--) {
    if (entries[i].kind === 'trace' && entries[i].run === runId) {
      entries.splice(i, 1);
      drop--;
    }
  }
  return { entries, epoch: t.epoch + 1 };
}

/** The text an entry shows as (ANSI colours for xterm). */
export function entryText(e: TermEntry, prompt: string): string {
  const lines = e.text.replace(/\n$/, '').split('\n').join('\r\n');
  switch (e.kind) {
    case 'cmd':
      return `\x1b[1;32m${prompt}\x1b[0m${lines}\r\n`;
    case 'err':
      return `\x1b[31m${lines}\x1b[0m\r\n`;
    case 'trace':
      return `\x1b[36m${lines}\x1b[0m\r\n`;
    case 'note':
      return `\x1b[3m${lines}\x1b[0m\r\n`;
    default:
      return e.text === '' ? '' : `${lines}\r\n`;
  }
}
