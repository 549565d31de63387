/**
 * Machine: one run of one program, as the debugger and the CLI drive it.
 *
 *   step()          one instruction, recorded: returns its StepEvent; back(n) undoes steps exactly
 *   runRecorded()   many instructions, recorded but without events (Continue, to a breakpoint)
 *   run()           no recording, and it forgets the history (run --json, capture replay)
 *
 * Recording means keeping the history (vm/history.ts): checkpoints every few thousand steps and a
 * journal of the pages and kernel state changed since, so that back(n) rewinds to a checkpoint
 * and replays forward. It costs a comparison a store, so recorded runs go as fast as unrecorded
 * ones, compiled code included (vm/jit), to breakpoints too: compiled code leaves its chunks at
 * them, and the interpreter meets the OP_BREAK put in place of their opcodes while it runs. The history keeps
 * under a bound of bytes (`historyBytes`, default 256 MiB) by giving up its oldest checkpoints:
 * stepping back then goes as far as `historyStart`.
 *
 * The run's instruction budget stops a program that loops (only unverified programs can). The
 * Machine owns the registers and frames; memory and the kernel's state live in the host's
 * address space and are restored through the journal, which the Machine installs on it while
 * it records.
 *
 * R1-R5 after a helper call or LD_ABS/LD_IND: the kernel leaves them unspecified (its JITs
 * clobber them; the verifier makes them unreadable). bpflab keeps what 4.8's interpreter does:
 * they hold their values. checkProgram refuses unverified programs that read them.
 */
import type { Insn } from '../isa';
import type { RunHost } from '../kernel/types';
import { execute } from './core';
import { Cpu, type Semantics } from './cpu';
import { OP_BREAK, setOp, type Code } from './code';
import { buildEvent, memWrite, pendingAccess } from './event';
import { History, CHECKPOINT_STEPS, HISTORY_BYTES } from './history';
import { compiled } from './jit/compile';
import { runCompiled, type MainForm } from './jit/run';
import { setBig } from './alu';
import type { MemWrite, RunResult, StepEvent, StopReason } from './types';

export interface MachineInit {
  /** the context, or the conformance suites' memory pointer */
  r1?: bigint;
  /** the conformance suites' memory length */
  r2?: bigint;
  /** the frame pointer: one past the top of the stack region */
  r10: bigint;
}

export interface MachineOptions {
  /** division by a zero register: '4.8' (default) ends the program with r0 = 0; 'modern' gives 0 / keeps dst */
  semantics?: Semantics;
  /** instructions the whole run may execute (default 1,000,000) */
  budget?: number;
  /**
   * what `run()` executes with: 'interpreter'; 'compiled' (the program compiled to JavaScript,
   * vm/jit); 'auto' (default) interprets and compiles once the machine has interpreted about as
   * many instructions as compiling costs (tierUpAfter), so short runs pay no compilation and
   * long or repeated runs go fast
   */
  engine?: Engine;
  /** bound of the history's bytes (default HISTORY_BYTES, 256 MiB): past it the oldest steps are given up */
  historyBytes?: number;
  /** steps between the history's checkpoints (default CHECKPOINT_STEPS): what a step back replays at most */
  checkpointEvery?: number;
}

export type Engine = 'auto' | 'interpreter' | 'compiled';

/** A run's breakpoints as the compiler's stops: the set, and the main program compiled with them (once a run compiles). */
interface StopSet {
  stops: ReadonlySet<number>;
  main?: MainForm;
}

/**
 * Instructions `run()` interprets before 'auto' compiles a program of `slots` instructions:
 * compiling costs roughly as much as interpreting this many (about 2 ms, plus 2,000 instructions
 * a slot for generating and optimising its code).
 */
const tierUpAfter = (slots: number): number => 300_000 + 2_000 * slots;

/** The default instruction budget of a run: far above the longest legal 4.8 run (about 135k). */
const DEFAULT_BUDGET = 1_000_000;

const PAST_END: Insn = { kind: 'invalid', why: 'past the end of the program', code: 0, dst: 0, src: 0, off: 0, imm: 0, slots: 1, later: false };
/** largest chunk handed to the hot loop at once, so its counter stays a small integer */
const CHUNK = 0x3fffffff;

export class Machine {
  private readonly cpu: Cpu;
  private readonly history: History;
  readonly budget: number;
  readonly semantics: Semantics;
  readonly engine: Engine;
  /** instructions run() has interpreted so far (all runs of this machine): 'auto' compiles past tierUp */
  private interpreted = 0;
  private readonly tierUp: number;

  private readonly mainCode: Code;

  constructor(
    host: RunHost,
    prog: { id: number; bytes: Uint8Array },
    init: MachineInit,
    opts: MachineOptions = {},
  ) {
    this.semantics = opts.semantics ?? '4.8';
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    this.engine = opts.engine ?? 'auto';
    this.history = new History(opts.historyBytes ?? HISTORY_BYTES, opts.checkpointEvery ?? CHECKPOINT_STEPS);
    this.cpu = new Cpu(host, prog, this.semantics);
    this.mainCode = this.cpu.code;
    this.tierUp = tierUpAfter(this.mainCode.n);
    this.reset(init);
  }

  /**
   * Starts the run over from the first instruction with fresh registers (memory is the host's:
   * reset it there). The decoded program is kept, so repeated runs cost no decoding.
   */
  reset(init: MachineInit): void {
    const cpu = this.cpu;
    if (init !== this.init) this.setInit(init);
    this.history.clear();
    const L = cpu.L;
    const H = cpu.H;
    // unrolled: a loop over the registers costs more than the rest of a short run's setup
    L[0] = 0;
    H[0] = 0;
    L[1] = this.l1;
    H[1] = this.h1;
    L[2] = this.l2;
    H[2] = this.h2;
    L[3] = H[3] = L[4] = H[4] = L[5] = H[5] = L[6] = H[6] = L[7] = H[7] = L[8] = H[8] = L[9] = H[9] = 0;
    L[10] = this.l10;
    H[10] = this.h10;
    cpu.pc = 0;
    cpu.executed = 0;
    cpu.stop = null;
    cpu.depth = 0;
    cpu.code = this.mainCode;
    cpu.releaseFrames();
  }

  /** the kernel side of the current run */
  get host(): RunHost {
    return this.cpu.host;
  }

  /**
   * Runs the same program again over another run of the same kernel (the next packet of a
   * capture): like reset(), keeping the decoded program, with the new run's host and registers.
   */
  rehost(host: RunHost, init: MachineInit): void {
    if (host.mem !== this.cpu.mem) throw new Error('rehost: the new run lives in another address space');
    this.cpu.host = host;
    this.reset(init);
  }

  /** Unmaps what the run mapped in the host's address space (the stacks of bpf-to-bpf call frames). */
  dispose(): void {
    this.history.clear();
    this.cpu.dispose();
  }

  // the registers a reset starts from, converted once per init object (bulk runs reset often)
  private init: MachineInit | undefined;
  private l1 = 0;
  private h1 = 0;
  private l2 = 0;
  private h2 = 0;
  private l10 = 0;
  private h10 = 0;

  private setInit(init: MachineInit): void {
    this.init = init;
    const L = new Int32Array(16);
    const H = new Int32Array(16);
    if (init.r1 !== undefined) setBig(L, H, 1, init.r1);
    if (init.r2 !== undefined) setBig(L, H, 2, init.r2);
    setBig(L, H, 10, init.r10);
    [this.l1, this.h1, this.l2, this.h2, this.l10, this.h10] = [L[1], H[1], L[2], H[2], L[10], H[10]];
  }

  /** the slot index of the next instruction (of the instruction that stopped the run, once stopped) */
  get pc(): number {
    return this.cpu.pc;
  }
  /** the program running now (changes after a tail call) */
  get progId(): number {
    return this.cpu.code.id;
  }
  /** instructions executed so far, the stopping one included */
  get stepCount(): number {
    return this.cpu.executed;
  }
  /** why the run is over, or null while it can go on */
  get stopped(): StopReason | null {
    return this.cpu.stop;
  }
  /** bpf-to-bpf call depth: 0 in the main function */
  get frameDepth(): number {
    return this.cpu.depth;
  }
  /** whether run() executes compiled code (always with 'compiled'; with 'auto' once the program is hot) */
  get compiledCode(): boolean {
    return this.engine === 'compiled' || (this.engine === 'auto' && this.interpreted >= this.tierUp);
  }
  /** while a helper runs: the 0-based number of the step that called it (a slice's stepCount is where the slice began) */
  get helperStep(): number {
    return this.cpu.callStep;
  }
  /** steps that back() can undo */
  get historyLength(): number {
    return this.history.started ? this.cpu.executed - this.history.oldest : 0;
  }
  /** the earliest step back() can reach (the current one when nothing is recorded) */
  get historyStart(): number {
    return this.history.started ? this.history.oldest : this.cpu.executed;
  }
  /** whether the history gave up steps to stay under its bound (then historyStart > 0 says how far back it goes) */
  get historyLimited(): boolean {
    return this.history.limited;
  }
  /** bytes the history holds: saved pages, the kernel's undos, checkpoints (bounded by the historyBytes option) */
  get historyBytes(): number {
    return this.history.started ? this.history.bytes : 0;
  }
  /** journal entries held (pages, frames, the kernel's changes) */
  get journalSize(): number {
    return this.history.journal.size;
  }

  /** The low 32 bits of r0 as an unsigned number (BPF_PROG_TEST_RUN's retval once the run exited), without a BigInt. */
  get retval(): number {
    return this.cpu.L[0] >>> 0;
  }

  /** Register `n` (0..10) as an unsigned 64-bit value. */
  reg(n: number): bigint {
    return this.cpu.reg(n);
  }

  /** r0..r10 as unsigned 64-bit values. */
  regs(): bigint[] {
    return Array.from({ length: 11 }, (_, n) => this.cpu.reg(n));
  }

  /** Runs one instruction, recorded, and says what it did. On a stopped run, changes nothing. */
  step(): StepEvent {
    const cpu = this.cpu;
    const code = cpu.code;
    const pc = cpu.pc;
    const insn = pc < code.n ? code.insns()[pc] : PAST_END;
    const isCall = (insn.kind === 'call' && insn.target === 'helper') || insn.kind === 'callx';
    const before = { step: cpu.executed, progId: code.id, pc, insn, args: isCall ? [1, 2, 3, 4, 5].map((r) => cpu.reg(r)) : [] };
    if (cpu.stop === null && cpu.executed >= this.budget) cpu.stop = { kind: 'budget', executed: cpu.executed };
    if (cpu.stop !== null) {
      return { step: cpu.executed, progId: code.id, pcBefore: pc, pcAfter: pc, insn, regs: [], reads: [], writes: [], effects: [], stop: cpu.stop };
    }
    const pending = pendingAccess(cpu, insn);
    const helperWrites: MemWrite[] = [];
    const mem = cpu.mem;
    const oldL = cpu.L.slice(0, 11);
    const oldH = cpu.H.slice(0, 11);
    mem.watcher = (region, offset, old, data) => helperWrites.push(memWrite(cpu, region, offset, old, data));
    try {
      this.recording(() => execute(cpu, 1));
    } finally {
      mem.watcher = null;
    }
    this.history.settle(cpu);
    const changes: number[] = [];
    for (let r = 0; r < 11; r++) if (cpu.L[r] !== oldL[r] || cpu.H[r] !== oldH[r]) changes.push(r, oldL[r], oldH[r]);
    const event = buildEvent(cpu, before, Int32Array.from(changes), pending, helperWrites);
    // the budget is spent: the run is over as after run() (the step itself did not stop it)
    if (cpu.stop === null && cpu.executed >= this.budget) cpu.stop = { kind: 'budget', executed: cpu.executed };
    return event;
  }

  /**
   * Undoes up to `n` recorded steps exactly (registers, pc, program, frames, memory, kernel
   * state): rewinds to the nearest checkpoint and replays forward. Goes no further back than
   * `historyStart`; returns the number of steps undone.
   */
  back(n = 1): number {
    const cpu = this.cpu;
    if (!this.history.started) return 0;
    const target = Math.max(this.history.oldest, cpu.executed - n);
    const undone = cpu.executed - target;
    if (undone <= 0) return 0;
    const from = this.history.rewind(cpu, target);
    this.recording(() => this.forward(target - from, undefined));
    return undone;
  }

  /** Forgets the history: stepping back will go no further than here (the world changed outside the run). */
  forgetHistory(): void {
    this.history.clear();
  }

  /**
   * Runs up to `maxSteps` instructions without recording, and forgets the history (back() can
   * no longer go past this point).
   */
  run(maxSteps = Infinity): RunResult {
    const cpu = this.cpu;
    if (cpu.stop !== null) return cpu.stop;
    this.history.clear();
    const mem = cpu.mem;
    const saved = mem.journal;
    const savedCow = mem.cow;
    mem.journal = null;
    mem.cow = null;
    cpu.journal = null;
    cpu.cow = null;
    try {
      this.exec(Math.min(maxSteps, this.budget - cpu.executed), undefined);
    } finally {
      mem.journal = saved;
      mem.cow = savedCow;
    }
    return this.result(maxSteps === Infinity);
  }

  /**
   * Runs up to `maxSteps` instructions with history, pausing before an instruction of the main
   * program whose slot is in `breakpoints` (never before the first: Continue leaves a breakpoint).
   */
  runRecorded(maxSteps = Infinity, breakpoints?: ReadonlySet<number>): RunResult {
    const cpu = this.cpu;
    if (cpu.stop !== null) return cpu.stop;
    const bps = breakpoints !== undefined && breakpoints.size > 0 ? breakpoints : undefined;
    const hit = this.recording(() => this.forward(Math.min(maxSteps, this.budget - cpu.executed), bps));
    return hit ? { kind: 'paused', at: 'breakpoint' } : this.result(maxSteps === Infinity);
  }

  private result(toTheEnd: boolean): RunResult {
    const cpu = this.cpu;
    if (cpu.stop !== null) return cpu.stop;
    if (toTheEnd || cpu.executed >= this.budget) {
      cpu.stop = { kind: 'budget', executed: cpu.executed };
      return cpu.stop;
    }
    return { kind: 'paused', at: 'limit' };
  }

  /** Runs `f` with the history's journal installed (starting the history if there is none). */
  private recording<T>(f: () => T): T {
    const cpu = this.cpu;
    const mem = cpu.mem;
    if (!this.history.started) this.history.start(cpu);
    const saved = mem.journal;
    const savedCow = mem.cow;
    const h = this.history;
    mem.journal = cpu.journal = h.journal;
    mem.cow = cpu.cow = h.cow;
    try {
      return f();
    } finally {
      cpu.journal = null;
      cpu.cow = null;
      mem.journal = saved;
      mem.cow = savedCow;
    }
  }

  /**
   * Recorded execution of up to `steps` instructions in slices that end at the history's
   * checkpoints; with breakpoints, stops before one. Returns whether it stopped at a breakpoint.
   */
  private forward(steps: number, bps: ReadonlySet<number> | undefined): boolean {
    const cpu = this.cpu;
    const h = this.history;
    let want = steps;
    if (bps !== undefined && want > 0 && cpu.code === this.mainCode && bps.has(cpu.pc)) {
      // Continue leaves the breakpoint it stands on
      want -= execute(cpu, 1);
      h.settle(cpu);
    }
    const patched = bps === undefined ? undefined : this.patch(bps);
    const stops = patched === undefined ? undefined : this.stopsAt(patched);
    try {
      while (want > 0 && cpu.stop === null) {
        const before = cpu.executed;
        this.exec(Math.min(want, h.due - before), stops);
        want -= cpu.executed - before;
        h.settle(cpu);
        if (cpu.atBreakpoint) {
          cpu.atBreakpoint = false;
          return true;
        }
      }
      return false;
    } finally {
      if (patched !== undefined) this.unpatch(patched);
    }
  }

  /** the main program's compiled form, looked up on its first compiled run */
  private plain: MainForm | undefined;
  /** the last set of breakpoints a run went to, and the main program compiled with them as stops once a run compiled */
  private lastStops: StopSet | undefined;

  /**
   * The breakpoints `patched` as the compiler's stops: a new set only when they differ from the
   * last run's, so its compiled form is looked up once a set, not on every runRecorded.
   */
  private stopsAt(patched: [number, number][]): StopSet {
    const last = this.lastStops;
    if (last !== undefined && last.stops.size === patched.length && patched.every(([pc]) => last.stops.has(pc))) return last;
    const stops = new Set(patched.map(([pc]) => pc));
    return (this.lastStops = { stops });
  }

  /** The main program's compiled form for a run (with `stopped`: compiled with those stops), looked up once. */
  private mainForm(stopped: StopSet | undefined): MainForm {
    const code = this.mainCode;
    if (stopped === undefined) return (this.plain ??= { code, form: compiled(code.bytes, this.cpu.modern) });
    return (stopped.main ??= { code, form: compiled(code.bytes, this.cpu.modern, stopped.stops), stops: stopped.stops });
  }

  /** Puts OP_BREAK at the main program's breakpoints; returns what to put back. */
  private patch(bps: ReadonlySet<number>): [number, number][] {
    const code = this.mainCode;
    const saved: [number, number][] = [];
    for (const pc of bps) {
      if (!Number.isInteger(pc) || pc < 0 || pc >= code.n) continue;
      saved.push([pc, code.op[pc]]);
      setOp(code, pc, OP_BREAK);
    }
    return saved;
  }

  private unpatch(saved: [number, number][]): void {
    for (const [pc, o] of saved) setOp(this.mainCode, pc, o);
  }

  /**
   * Executes up to `want` instructions (fewer when the run stops or a breakpoint is reached),
   * compiled or interpreted as the engine says; with breakpoints, compiled code leaves its chunks
   * at them (vm/jit/run.ts) and the interpreter meets their OP_BREAK.
   */
  private exec(want: number, stops: StopSet | undefined): void {
    const cpu = this.cpu;
    while (want > 0 && cpu.stop === null && !cpu.atBreakpoint) {
      if (this.compiledCode) {
        runCompiled(cpu, cpu.executed + want, this.mainForm(stops));
        return;
      }
      const tiering = this.engine === 'auto' && this.interpreted < this.tierUp;
      const ran = execute(cpu, Math.min(want, CHUNK, tiering ? this.tierUp - this.interpreted : CHUNK));
      this.interpreted += ran;
      want -= ran;
    }
  }
}
