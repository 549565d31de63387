/**
 * Machine: one run of one program, as the debugger and the CLI drive it.
 *
 *   step()          one instruction, recorded: returns its StepEvent; back() undoes it exactly
 *   runRecorded()   many instructions, recorded but without events (Continue to a breakpoint)
 *   run()           the fast path: no recording, and it forgets the history
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
import type { Code } from './code';
import { buildEvent, memWrite, pendingAccess } from './event';
import { History } from './history';
import { runCompiled } from './jit/run';
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
}

export type Engine = 'auto' | 'interpreter' | 'compiled';

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
  private readonly history = new History();
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
  /** steps that back() can undo */
  get historyLength(): number {
    return this.history.length;
  }
  /** bytes the history's step and register records hold (memory undo records not counted) */
  get historyBytes(): number {
    return this.history.bytes;
  }
  /** journal entries held (memory, frames, the kernel's changes) */
  get journalSize(): number {
    return this.history.journal.size;
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
    mem.watcher = (region, offset, old, data) => helperWrites.push(memWrite(cpu, region, offset, old, data));
    this.recordOne();
    mem.watcher = null;
    return buildEvent(cpu, before, this.history.lastRegChanges(), pending, helperWrites);
  }

  /** Undoes the last recorded step exactly (registers, pc, program, frames, memory, kernel state). */
  back(): boolean {
    return this.history.undo(this.cpu);
  }

  /**
   * The fast path: runs up to `maxSteps` instructions without recording, and forgets the
   * history (back() can no longer go past this point).
   */
  run(maxSteps = Infinity): RunResult {
    const cpu = this.cpu;
    if (cpu.stop !== null) return cpu.stop;
    this.history.clear();
    const mem = cpu.mem;
    const saved = mem.journal;
    mem.journal = null;
    cpu.journal = null;
    let want = Math.min(maxSteps, this.budget - cpu.executed);
    while (want > 0 && cpu.stop === null) {
      if (this.compiledCode) {
        runCompiled(cpu, cpu.executed + want);
        break;
      }
      const slice = this.engine === 'auto' ? Math.min(want, this.tierUp - this.interpreted) : Math.min(want, CHUNK);
      const ran = execute(cpu, slice);
      this.interpreted += ran;
      want -= ran;
    }
    mem.journal = saved;
    return this.result(maxSteps === Infinity);
  }

  /**
   * Runs up to `maxSteps` instructions with history, pausing before an instruction for which
   * `stopAt(pc, progId)` holds (never before the first: Continue leaves a breakpoint).
   */
  runRecorded(maxSteps = Infinity, stopAt?: (pc: number, progId: number) => boolean): RunResult {
    const cpu = this.cpu;
    if (cpu.stop !== null) return cpu.stop;
    for (let n = 0; n < maxSteps; n++) {
      if (cpu.executed >= this.budget) break;
      if (n > 0 && stopAt !== undefined && stopAt(cpu.pc, cpu.code.id)) return { kind: 'paused', at: 'breakpoint' };
      this.recordOne();
      if (cpu.stop !== null) return cpu.stop;
    }
    return this.result(maxSteps === Infinity);
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

  private recordOne(): void {
    const cpu = this.cpu;
    const mem = cpu.mem;
    const saved = mem.journal;
    const j = this.history.journal;
    mem.journal = j;
    cpu.journal = j;
    this.history.begin(cpu);
    execute(cpu, 1);
    this.history.end(cpu);
    cpu.journal = null;
    mem.journal = saved;
  }
}
