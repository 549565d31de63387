/** Reads the verifier log's structure: which instruction each line belongs to, and the error line. */

export interface LogLine {
  text: string;
  /** the instruction the line shows or whose state it is */
  pc?: number;
  kind: 'insn' | 'state' | 'from' | 'safe' | 'processed' | 'error' | 'blank' | 'other';
}

const INSN = /^(\d+): \(/;
const FROM = /^from (\d+) to (\d+):/;
const SAFE = /^(\d+): safe$/;

/**
 * Splits the log into lines tagged with their instruction. When the load failed, the last
 * non-empty line is the error message (4.8 prints nothing after it); it belongs to the
 * instruction shown just before it, if any.
 */
export function parseLog(log: string, failed: boolean): LogLine[] {
  const raw = log.split('\n');
  if (raw.at(-1) === '') raw.pop();
  const out: LogLine[] = [];
  let pc: number | undefined;
  for (const text of raw) {
    let m: RegExpExecArray | null;
    if (text === '') out.push({ text, kind: 'blank' });
    else if ((m = INSN.exec(text))) {
      pc = Number(m[1]);
      out.push({ text, pc, kind: 'insn' });
    } else if ((m = FROM.exec(text))) {
      pc = Number(m[2]);
      out.push({ text, pc, kind: 'from' });
    } else if ((m = SAFE.exec(text))) out.push({ text, pc: Number(m[1]), kind: 'safe' });
    else if (text.startsWith('processed ')) out.push({ text, kind: 'processed' });
    else if (text.startsWith(' R') || text.startsWith(' fp')) out.push({ text, pc, kind: 'state' });
    else out.push({ text, pc, kind: 'other' });
  }
  if (failed) {
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i].kind === 'blank') continue;
      if (out[i].kind === 'other') out[i].kind = 'error';
      break;
    }
  }
  return out;
}
