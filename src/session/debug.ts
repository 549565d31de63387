/**
 * One debug run: a prepared run (the kernel's context, packet and stack for the program) driven
 * by a recording Machine, so every step can be undone. Repetitions (BPF_PROG_TEST_RUN's repeat)
 * follow one another on the same skb; stepping back stops at the start of a repetition.
 * trace_printk lines are captured with the step that printed them, and undone with it; the
 * terminal that shows them is trace_pipe's reader, so they do not stay in the pipe.
 */
import { kernelInsnText } from '../asm';
import type { Kernel } from '../kernel/kernel';
import { prepareRun, type PreparedRun, type RunOutput } from '../kernel/run';
import type { LoadedProg } from '../kernel/types';
import { leValue } from '../mem';
import { Machine } from '../vm';
import type { StepEvent } from '../vm/types';
import type { CtxView, DebugSnapshot, EngineSettings, RunInput, RunState, StepView } from '../protocol';
import { TraceLog } from './trace-log';
import { belowOrigin, pointerOf, regionView, stepView, stopView } from './views';

let nextRunId = 1;

/**
 * The bound of a debug run's step-back history: 7/8 of the memory limit. Past it the history
 * gives up its oldest steps (stepping back then says how far it goes), so a long run goes on
 * within the limit; the rest is room for the trace lines kept and the segment being recorded.
 * Only if the whole recorded state still passes the limit does the session's Budget stop the run.
 */
const historyBound = (memoryLimitMiB: number): number => Math.floor((memoryLimitMiB * 2 ** 20 * 7) / 8);

/**
 * Calls `work(chunk)` until it says it is done or about `ms` milliseconds have passed, with
 * chunks of instructions that start small and double while they take under an eighth of `ms`.
 */
function sliced(ms: number, work: (chunk: number) => boolean): boolean {
  const end = performance.now() + ms;
  let chunk = 16_384;
  for (;;) {
    const t0 = performance.now();
    if (work(chunk)) return true;
    const t = performance.now();
    if (t >= end) return false;
    if (t - t0 < ms / 8) chunk = Math.min(chunk * 2, 1 << 26);
  }
}
/** trace lines of finished repetitions kept (the current one keeps up to TraceLog's cap) */
const TRACE_KEPT = 2_000;

/** Why a run could not start (BPF_PROG_TEST_RUN's refusal). */
interface RunRefusal {
  errno: number;
  message: string;
}

export class DebugRun {
  readonly runId = nextRunId++;
  private machine: Machine;
  private rep = 0;
  /** position (see DebugSnapshot.position) at the start of the current repetition */
  private repStart = 0;
  private last: StepView | undefined;
  /** the step (of this repetition) where the world was changed from outside the run, if it was */
  private editedAt: number | null = null;
  /** the view of the last step is out of date (a run moved on without events): made again for the next snapshot */
  private lastStale = false;
  private output: RunOutput | undefined;
  readonly trace = new TraceLog();
  /** maps and keys the commands since the last `takeTouched` changed */
  private touched = { maps: new Set<number>(), keys: [] as { mapId: number; key: Uint8Array }[] };

  private constructor(
    private readonly k: Kernel,
    private readonly prog: LoadedProg,
    private readonly input: RunInput,
    private prepared: PreparedRun,
    private readonly lines: readonly (number | null)[],
    settings: EngineSettings,
    /** the source lines of the setup's other programs (tail-call targets), by program id */
    private readonly otherLines: ReadonlyMap<number, readonly (number | null)[]>,
  ) {
    const historyBytes = historyBound(settings.memoryLimitMiB);
    this.machine = new Machine(prepared.host, { id: prog.id, bytes: prog.bytes }, prepared.init, { semantics: settings.semantics, budget: settings.budget, historyBytes });
    this.captureTrace();
  }

  /** Prepares a run of `prog` on `input`, or says why the kernel refuses it. */
  static start(
    k: Kernel,
    prog: LoadedProg,
    input: RunInput,
    lines: readonly (number | null)[],
    settings: EngineSettings,
    otherLines: ReadonlyMap<number, readonly (number | null)[]> = new Map(),
  ): DebugRun | RunRefusal {
    const p = prepareRun(k, prog, { data: input.packet, ctx: input.ctx, tracepoint: input.tracepoint });
    if (!p.ok) return { errno: p.errno, message: `${p.error}: ${p.message}` };
    return new DebugRun(k, prog, input, p, lines, settings, otherLines);
  }

  /**
   * trace_printk goes through kernel.traceWrite: note each line with its step, journaled with the
   * run. The IDE's terminal is trace_pipe's reader while a debug run runs (as a `cat trace_pipe`
   * left open beside the program would be): it shows each line once, at the step that printed it,
   * and a line read is gone from the pipe, so a later `cat trace_pipe` does not print it again.
   */
  private captureTrace(): void {
    const k = this.k;
    k.traceWrite = (line: string) => {
      this.trace.push({ step: this.machine.helperStep, line });
      k.mem.journal?.push(() => void this.trace.pop());
    };
  }

  /** Unmaps the run's regions and stops capturing (map changes stay, as after a real run). */
  dispose(): void {
    delete (this.k as { traceWrite?: unknown }).traceWrite;
    this.prepared.dispose();
  }

  private get repeat(): number {
    return Math.max(1, Math.floor(this.input.repeat ?? 1));
  }

  /** The run can go on: not stopped, or stopped at the exit of a repetition that has a next one. */
  get canStep(): boolean {
    const s = this.machine.stopped;
    return s === null || (s.kind === 'exit' && this.rep + 1 < this.repeat);
  }

  get stepCount(): number {
    return this.machine.stepCount;
  }

  /** the slot about to run, and the program it belongs to */
  get at(): { pc: number; progId: number } {
    return { pc: this.machine.pc, progId: this.machine.progId };
  }

  private view(e: StepEvent): StepView {
    return stepView(e, kernelInsnText(e.insn), this.k.mem);
  }

  private note(e: StepEvent): void {
    for (const x of e.effects) {
      if (x.kind === 'map_update' || x.kind === 'map_delete' || x.kind === 'map_lookup') {
        if (x.kind !== 'map_lookup') this.touched.maps.add(x.mapId);
        this.touched.keys.push({ mapId: x.mapId, key: x.key.slice() });
      }
    }
    if (e.writes.some((w) => w.kind === 'map_value')) this.touched.maps.add(-1);
  }

  /** Starts the next repetition on the same skb (history restarts there). */
  private nextRepetition(): void {
    const stop = this.machine.stopped;
    this.repStart += this.machine.stepCount + 1;
    if (stop?.kind === 'exit') this.output = this.prepared.finish(stop.r0);
    // the clock advances by every instruction of the finished repetition, not only up to its last helper call
    this.prepared.retire(this.machine.stepCount);
    this.prepared.again();
    this.machine.reset(this.prepared.init);
    // earlier repetitions can no longer be undone: keep only their latest lines
    this.trace.keepLast(TRACE_KEPT);
    this.rep++;
    this.last = undefined;
    this.editedAt = null;
  }

  /** Steps counted from the start of the run, one more for each move to the next repetition. */
  get position(): number {
    return this.repStart + this.machine.stepCount;
  }

  /** Executes up to `count` instructions (the view of the last one only is built). */
  step(count: number): void {
    let lastEvent: StepEvent | undefined;
    this.lastStale = false;
    for (let i = 0; i < count; i++) {
      if (this.machine.stopped) {
        if (!this.canStep) break;
        this.nextRepetition();
        lastEvent = undefined;
        continue;
      }
      lastEvent = this.machine.step();
      this.note(lastEvent);
    }
    if (lastEvent) this.last = this.view(lastEvent);
    this.finishIfDone();
  }

  /**
   * Moves forwards to `position` as `step` would get there, recording but without events, at most
   * `maxSteps` instructions this call. True when it is done: at the position, or the run cannot go
   * on (it ended, or its instruction budget ran out). The view of the last step is made when a
   * snapshot asks for it.
   */
  seek(position: number, maxSteps = Infinity): boolean {
    let left = maxSteps;
    while (this.position < position && left > 0) {
      if (this.machine.stopped) {
        if (!this.canStep) break;
        this.nextRepetition();
        continue;
      }
      const before = this.machine.stepCount;
      this.machine.runRecorded(Math.min(position - this.position, left));
      left -= this.machine.stepCount - before;
      this.touched.maps.add(-1);
    }
    this.lastStale = true;
    this.finishIfDone();
    return this.position >= position || (this.machine.stopped !== null && !this.canStep);
  }

  /**
   * About how many bytes the run's recorded state holds: the history (pages it saved, the
   * kernel's undos, checkpoints: vm/history.ts counts them) and the trace lines kept.
   */
  get memoryBytes(): number {
    return this.machine.historyBytes + this.trace.bytes;
  }

  /** Undoes up to `count` instructions of this repetition. */
  back(count: number): void {
    if (this.machine.back(count)) this.touched.maps.add(-1);
    this.output = undefined;
    this.replayLast();
  }

  /** Recomputes the event of the step that led here: undo it and do it again (runs are deterministic). */
  private replayLast(): void {
    this.lastStale = false;
    if (this.machine.historyLength === 0) {
      this.last = undefined;
      return;
    }
    this.machine.back(1);
    this.last = this.view(this.machine.step());
  }

  /**
   * Runs recorded, up to `maxSteps` instructions, stopping before a breakpoint of the loaded
   * program (never before the first instruction executed). Returns true when it stopped for a
   * reason (breakpoint, end of the run) rather than the step limit. The view of the last step is
   * made when a snapshot asks for it.
   */
  runChunk(maxSteps: number, breakpoints: ReadonlySet<number>): boolean {
    let left = maxSteps;
    this.lastStale = true;
    while (left > 0) {
      if (this.machine.stopped) {
        if (!this.canStep) return this.settle(true);
        this.nextRepetition();
        if (breakpoints.has(0)) return this.settle(true);
      }
      const before = this.machine.stepCount;
      const r = this.machine.runRecorded(left, breakpoints);
      left -= this.machine.stepCount - before;
      this.touched.maps.add(-1);
      if (r.kind === 'paused' && r.at === 'breakpoint') return this.settle(true);
      if (r.kind === 'paused') break;
      if (r.kind !== 'exit' || !this.canStep) return this.settle(true);
    }
    return false;
  }

  /**
   * runChunk for about `ms` milliseconds of work, in chunks that grow while they are quick (a
   * compiled loop runs hundreds of millions of instructions in that time, the interpreter with
   * breakpoints tens of millions). True when the run stopped for a reason, as runChunk.
   */
  runFor(ms: number, breakpoints: ReadonlySet<number>): boolean {
    return sliced(ms, (chunk) => this.runChunk(chunk, breakpoints));
  }

  /** seek for about `ms` milliseconds of work, in growing chunks. True when done, as seek. */
  seekFor(ms: number, position: number): boolean {
    return sliced(ms, (chunk) => this.seek(position, chunk));
  }

  private settle(done: boolean): boolean {
    this.finishIfDone();
    return done;
  }

  private finishIfDone(): void {
    const s = this.machine.stopped;
    if (s?.kind === 'exit' && !this.canStep) this.output = this.prepared.finish(s.r0);
  }

  /**
   * The world was changed from outside the run (a map edited, a shell command) while it was
   * paused: replaying earlier steps would no longer give what they gave, so stepping back stops here.
   */
  worldChanged(): void {
    this.machine.forgetHistory();
    this.editedAt = this.machine.stepCount;
  }

  /** The earliest position stepping back reaches, and why it is not the start of the repetition. */
  get backLimit(): { position: number; step: number; message: string } | null {
    const m = this.machine;
    const step = m.historyStart;
    if (step === 0) return null;
    const position = this.repStart + step;
    if (this.editedAt !== null && step === this.editedAt && !m.historyLimited) {
      return { position, step, message: `the world was changed at step ${step} (a map or shell command): stepping back goes as far as step ${step}` };
    }
    return { position, step, message: `history limit reached: stepping back goes as far as step ${step}` };
  }

  /** Maps and keys changed since the last call; -1 in maps means "any map value". */
  takeTouched(): { maps: number[]; keys: { mapId: number; key: Uint8Array }[] } {
    const t = this.touched;
    this.touched = { maps: new Set(), keys: [] };
    const maps = t.maps.has(-1) ? this.k.objects().maps.map((m) => m.id) : [...t.maps];
    return { maps, keys: t.keys.slice(-16) };
  }

  private state(): RunState {
    const s = this.machine.stopped;
    if (!s || this.canStep) return 'paused';
    return s.kind === 'exit' ? 'exited' : s.kind === 'fault' ? 'faulted' : 'budget';
  }

  private ctxView(): CtxView | undefined {
    const region = this.prepared.regions.ctx;
    const layout = this.prepared.ctxLayout;
    if (!region || !layout) return undefined;
    const view: CtxView = { ...regionView(this.k.mem, region), layout: layout.name, fields: layout.fields.map((f) => ({ ...f })) };
    const below = belowOrigin(region);
    if (below && layout.below) view.below = { bytes: below, about: layout.below };
    return view;
  }

  snapshot(): DebugSnapshot {
    const m = this.machine;
    const mem = this.k.mem;
    if (this.lastStale) this.replayLast();
    const regs = m.regs();
    const stack = regionView(mem, this.prepared.regions.stack);
    const stackPointers = Array.from({ length: 64 }, (_, i) => pointerOf(mem, leValue(stack.bytes, i * 8, 8)));
    const onMain = m.progId === this.prog.id;
    const snap: DebugSnapshot = {
      runId: this.runId,
      state: this.state(),
      step: m.stepCount,
      progId: m.progId,
      progName: onMain ? this.prog.name : (this.k.progById(m.progId)?.name ?? ''),
      pc: m.pc,
      regs,
      pointers: regs.map((v) => pointerOf(mem, v)),
      stack,
      stackPointers,
      trace: this.trace.last(2000),
      repetition: this.rep,
      position: this.position,
    };
    const line = (onMain ? this.lines : this.otherLines.get(m.progId))?.[m.pc];
    if (line !== null && line !== undefined) snap.line = line;
    if (this.last) snap.last = this.last;
    const ctx = this.ctxView();
    if (ctx) snap.ctx = ctx;
    if (this.prepared.regions.packet) snap.packet = regionView(mem, this.prepared.regions.packet);
    if (m.stopped) snap.stop = stopView(m.stopped);
    const limit = this.backLimit;
    if (limit) snap.backLimit = { step: limit.step, message: limit.message };
    if (this.output && snap.state === 'exited') {
      snap.result = { retval: this.output.retval, verdict: this.output.verdict.name };
      if (this.output.dataOut) snap.result.dataOut = this.output.dataOut.slice();
    }
    return snap;
  }
}
