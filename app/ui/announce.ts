/**
 * What the page says to assistive technology when something happens that a sighted user would
 * see change: a load's verdict (with the verifier's error line when it refuses), every way a run
 * stops or pauses and why, the end of a capture replay, the editor's Tab mode, every notice the
 * toasts show and the engine failing (the status bar and the toasts are not live regions
 * themselves, so nothing is said twice or over each other). Pure: the Announcer
 * (Announcer.tsx) calls it with the store before and after each change and puts the text in the
 * page's one polite live region.
 */
import type { State } from '../store/state';
import type { DebugSnapshot, LoadResult } from '../../src/protocol';
import { breakpointPcs } from '../store/selectors';
import { hexShort } from '../lib/format';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The verifier's error line: the last line of a refused load's log (4.8 prints nothing after it). */
export function refusalLine(log: string): string | undefined {
  const line = log.trimEnd().split('\n').at(-1)?.trim();
  return line || undefined;
}

function loadText(r: LoadResult): string {
  if (r.stage === 'assemble') {
    const first = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0];
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    return `The program does not assemble: ${plural(errors, 'error')}${first ? `. Line ${first.line}: ${first.message}` : ''}`;
  }
  if (r.ok) return `Loaded: the verifier accepted the program, prog id ${r.progId}`;
  const why = refusalLine(r.log);
  return `Load refused: ${r.errnoName} (${r.errno})${why ? `. ${why}` : ''}`;
}

function where(s: DebugSnapshot): string {
  // a tail-called program's lines are its own: name the program they belong to
  return `step ${s.step}, pc ${s.pc}${s.line ? `, line ${s.line}` : ''}${s.progName ? ` of ${s.progName}` : ''}`;
}

/**
 * Why the run is where it is: `ran` is what moved it ('step' for a step or a move, 'run' for
 * Continue/Run); `budget` is the instruction budget of a run (Settings).
 */
export function stopText(s: DebugSnapshot, ran: 'step' | 'run', atBreakpoint: boolean, budget = Infinity): string {
  switch (s.state) {
    case 'paused': {
      if (ran === 'run') {
        if (atBreakpoint) return `Paused at the breakpoint, ${where(s)}`;
        // a run pauses at its budget (the next step reports it used up); else Pause or a limit stopped it (a notice says which)
        if (s.step >= budget) return `Paused at ${where(s)}: the budget of ${plural(budget, 'instruction')} is used up`;
        return `Paused at ${where(s)}`;
      }
      const last = s.last;
      const changed = last ? [...new Set(last.regs.map((r) => `r${r.reg}`))] : [];
      // the instruction as the log prints it, without its opcode byte: "(bf) r6 = r1" says "r6 = r1"
      const what = last ? ` after ${last.text.replace(/^\([0-9a-f]{2}\) /, '')}` : '';
      return `Paused at ${where(s)}${what}${changed.length ? `; changed ${changed.join(', ')}` : ''}`;
    }
    case 'exited':
      return `Exited after ${plural(s.step, 'step')}: r0 = ${s.stop?.kind === 'exit' ? hexShort(s.stop.r0) : '?'}${s.result ? `, ${s.result.verdict}` : ''}`;
    case 'faulted':
      return `Fault at ${where(s)}: ${s.stop?.kind === 'fault' ? s.stop.message : 'the run faulted'}`;
    case 'budget':
      return `Budget exhausted after ${plural(s.step, 'step')}: the run was stopped at ${where(s)}`;
    case 'stopped':
      return `Stopped at ${where(s)}`;
  }
}

type Seen = Pick<State, 'load' | 'snap' | 'tabMovesFocus' | 'capture' | 'notices' | 'engine'>;

const seen = (s: State): Seen => ({ load: s.load, snap: s.snap, tabMovesFocus: s.tabMovesFocus, capture: s.capture, notices: s.notices, engine: s.engine });

/**
 * Turns store changes into announcements. Commands pass through short-lived states (Run stops
 * the old run, looks idle for an instant, then starts; Stop goes idle before the run ends), so
 * it speaks only at settled points: `observe` every change, `settle` once the changes of a task
 * are done; it compares the settled state with the last one it spoke about.
 */
export class Announcements {
  private last: Seen;
  private ran = false;

  constructor(initial: State) {
    this.last = seen(initial);
  }

  /** Every store change (a Continue or Run shows as busy 'running' on the way). */
  observe(s: State): void {
    if (s.busy === 'running') this.ran = true;
  }

  /** What to say now that the store has settled at `s`, if anything. */
  settle(s: State): string | null {
    if (s.busy !== 'idle' || s.loading || s.opening) return null; // a command is still on its way
    const was = this.last;
    this.last = seen(s);
    const ran = this.ran;
    this.ran = false;
    const say: string[] = [];
    const snapMoved = s.snap !== was.snap;
    // a Step or Run that had to load first: its stop says more than "Loaded"
    if (s.load && s.load !== was.load && !(s.load.ok && snapMoved && s.snap)) say.push(loadText(s.load));
    if (snapMoved && s.snap) {
      const atBreakpoint = s.snap.progId === s.load?.progId && breakpointPcs(s).includes(s.snap.pc);
      say.push(stopText(s.snap, ran ? 'run' : 'step', atBreakpoint, s.engineSettings.budget));
    } else if (snapMoved && was.snap && s.load === was.load) say.push('The run was stopped');
    if (s.tabMovesFocus !== was.tabMovesFocus) say.push(s.tabMovesFocus ? 'In the editor, Tab now moves focus' : 'In the editor, Tab now indents');
    const replay = s.capture?.replay;
    if (replay && replay !== was.capture?.replay && s.capture?.progress === null) {
      const counts = replay.counts.map((c) => `${c.name}: ${c.count}`).join(', ');
      say.push(`Replayed ${plural(replay.done, 'packet')} of ${s.capture!.file}${replay.stopped ? ' (stopped)' : ''}. ${counts}`);
    }
    // the toasts: each new notice once (they are not live regions themselves)
    const known = new Set(was.notices.map((n) => n.id));
    for (const n of s.notices) if (!known.has(n.id)) say.push(n.kind === 'error' ? `Error: ${n.text}` : n.text);
    if (s.engine.kind === 'failed' && was.engine.kind !== 'failed') say.push(`The engine failed: ${s.engine.message}`);
    return say.length ? say.map((t) => t.replace(/\.$/, '')).join('. ') : null;
  }
}
