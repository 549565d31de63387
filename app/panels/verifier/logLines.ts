/** Reads the verifier log's structure: which instruction each line belongs to, and the error line. */

export interface LogLine {
  text: string;
  /** the instruction the line shows or whose state it is */
  pc?: number;
  kind: 'insn' | 'state' | 'from' | 'safe' | 'processed' | 'error' | 'blank' | 'other';
  /** the visit of the verifier's walk the line shows (its state is the one before that visit) */
  visit?: number;
}

const LEVEL2_STATE = /^\d+: R\d+=|^\d+:$/;

/**
 * Ties each line to its visit of the walk: every visit prints one instruction line, or a `safe`
 * line when pruned, in walk order; a `from P to I:` line and a level-2 state line belong to the
 * visit they announce, and so does a branch's state line (the state its fall-through goes on with).
 */
export function withVisits(lines: LogLine[], visitPcs: ArrayLike<number>, pruned: Iterable<number>): LogLine[] {
  const isPruned = new Set(pruned);
  let v = 0;
  return lines.map((l) => {
    if (v >= visitPcs.length) return l;
    if (l.kind === 'insn' || l.kind === 'safe') {
      if (visitPcs[v] !== l.pc) return l; // a log that does not match the walk (cut, or another load)
      return { ...l, visit: v++ };
    }
    if (l.kind === 'from') {
      // `from P to I: safe` is a pruned visit's own line; otherwise the next instruction line's visit
      if (l.text.endsWith(': safe') && isPruned.has(v) && visitPcs[v] === l.pc) return { ...l, visit: v++ };
      return { ...l, visit: v };
    }
    // a branch's state line shows the state the fall-through continues with: the next visit's
    if (l.kind === 'state') return { ...l, visit: v };
    if (l.kind === 'other' && LEVEL2_STATE.test(l.text)) return { ...l, pc: Number(l.text.split(':')[0]), kind: 'state', visit: v };
    return l;
  });
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
