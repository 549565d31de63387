/**
 * Replaying a packet capture through the loaded program: each packet is one BPF_PROG_TEST_RUN
 * (the fast, unrecorded VM path, on one run state reloaded a packet), its return value and
 * verdict kept in typed arrays. The replay
 * runs in slices of a few milliseconds; between slices the caller yields to its messages, so a
 * Stop is seen at once and the worker never stalls.
 *
 * Not here: reading the file (src/pcap), debugging one packet (a normal debug run).
 */
import { errnoName } from '../isa';
import type { Kernel } from '../kernel/kernel';
import { verdictOf } from '../kernel/progtypes';
import { prepareRun, type PreparedRun } from '../kernel/run';
import { CHUNK_STEPS, wallClock, type Budget, type Clock } from './budget';
import type { LoadedProg } from '../kernel/types';
import type { Capture } from '../pcap';
import { LINKTYPE_ETHERNET } from '../pcap';
import { NO_TIME, type CaptureProgress, type CaptureReplay, type EngineSettings, type LimitStop } from '../protocol';
import { Machine, type Engine } from '../vm';

/** Milliseconds of replay between looks at the worker's messages (the client's halt waits 60). */
const SLICE_MS = 15;

/** A socket filter's "keep all 54 bytes" counts with every other packet it keeps whole. */
function countedName(verdict: string): string {
  return verdict.startsWith('keep all ') ? 'keep all' : verdict;
}

/**
 * Packets from which a replay compiles the program before the first one: 'auto' would interpret
 * about 300,000 instructions first (some 10,000 packets of a short filter), the slowest part of a
 * replay's first round.
 */
export const COMPILE_FROM_START = 1000;

/** Entries of the replay's verdict cache (retval and packet length to the verdict's index): 2^VERDICT_BITS. */
const VERDICT_BITS = 6;
const VERDICT_CACHE = 1 << VERDICT_BITS;

/**
 * One replay in progress: `slice` runs packets until its time is up. Its packets share one run
 * state: the first packet of a slice prepares the run (maps the stack, the context and the
 * packet) and every later one only reloads it (PreparedRun.reload: the packet's bytes, the skb's
 * fields, a zeroed stack) and resets the one machine, so a packet costs no mapping, no decoding
 * and no compiled-code lookup. Between slices nothing stays mapped (unless a packet is still running).
 */
export class CaptureReplayer {
  private next = 0;
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly out: CaptureReplay;
  /** one machine for the whole replay: decoding the program once, not once a packet */
  private machine: Machine | null = null;
  /** the run state the packets reuse (prepared by the first packet of a slice) */
  private run: PreparedRun | null = null;
  /** what the machine runs with */
  readonly engine: Engine;
  /** the packet being run (its run may span chunks), or -1 */
  private current = -1;
  // verdict names by (retval, packet length): a packet's verdict is an index, found without building its name
  private readonly cacheRet = new Uint32Array(VERDICT_CACHE);
  private readonly cacheLen = new Int32Array(VERDICT_CACHE).fill(-1);
  private readonly cacheIdx = new Int32Array(VERDICT_CACHE);

  constructor(
    private readonly k: Kernel,
    private readonly prog: LoadedProg,
    private readonly capture: Capture,
    private readonly ctx: Uint8Array | undefined,
    private readonly settings: EngineSettings,
    private readonly clock: Clock = wallClock,
    /**
     * what the machine runs with (Machine's `engine`; tests force 'compiled' or 'interpreter').
     * By default a capture of COMPILE_FROM_START packets or more compiles before its first
     * packet (its packets will run the program that often anyway), a smaller one as 'auto' does.
     */
    engine?: Engine,
  ) {
    const n = capture.packets.length;
    this.engine = engine ?? (n >= COMPILE_FROM_START ? 'compiled' : 'auto');
    this.out = {
      total: n,
      done: 0,
      stopped: false,
      retvals: new Uint32Array(n),
      verdicts: new Uint16Array(n),
      names: this.names,
      lengths: new Uint32Array(n),
      timestamps: new BigInt64Array(n),
      steps: new Uint32Array(n),
      counts: [],
    };
    // what the file says of every packet is known before any runs (a stopped replay's rows keep their times)
    capture.packets.forEach((p, i) => {
      this.out.lengths[i] = p.data.length;
      this.out.timestamps[i] = p.timestampNs ?? NO_TIME;
    });
  }

  /** packets whose run has finished (the one in progress not counted) */
  private get done(): number {
    return this.current >= 0 ? this.current : this.next;
  }

  private get finished(): boolean {
    return this.current < 0 && this.next >= this.capture.packets.length;
  }

  private verdictIndex(name: string): number {
    let i = this.nameIndex.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, i);
    }
    return i;
  }

  /** The index of the verdict of `retval` on a packet of `len` bytes (verdictOf, cached). */
  private verdictOfRun(retval: number, len: number): number {
    // multiplicative hashing: the top bits of the product depend on every bit of retval and len
    const h = Math.imul(retval ^ Math.imul(len, 0x85ebca6b), 0x9e3779b1) >>> (32 - VERDICT_BITS);
    if (this.cacheLen[h] === len && this.cacheRet[h] === retval) return this.cacheIdx[h];
    const i = this.verdictIndex(countedName(verdictOf(this.prog.progType, retval, len).name));
    this.cacheRet[h] = retval;
    this.cacheLen[h] = len;
    this.cacheIdx[h] = i;
    return i;
  }

  /** Readies packet `i` as BPF_PROG_TEST_RUN with repeat 1, or records why it does not run. */
  private begin(i: number): void {
    const pkt = this.capture.packets[i];
    const out = this.out;
    if (pkt.linkType !== LINKTYPE_ETHERNET) {
      out.verdicts[i] = this.verdictIndex(`skipped: link type ${pkt.linkType}`);
      return;
    }
    const run = this.run;
    if (run?.reload) {
      const refused = run.reload(pkt.data);
      if (refused) {
        out.verdicts[i] = this.verdictIndex(`error: ${refused.error ?? errnoName(refused.errno)}`);
        return;
      }
      this.machine!.reset(run.init);
    } else {
      // (advance() released the last packet's run if it could not reload)
      // the packet's bytes are copied into the run's packet region: the capture stays as read
      const prep = prepareRun(this.k, this.prog, { data: pkt.data, ctx: this.ctx });
      if (!prep.ok) {
        out.verdicts[i] = this.verdictIndex(`error: ${prep.error ?? errnoName(prep.errno)}`);
        return;
      }
      this.run = prep;
      if (this.machine) this.machine.rehost(prep.host, prep.init);
      else this.machine = new Machine(prep.host, this.prog, prep.init, { semantics: this.settings.semantics, budget: this.settings.budget, engine: this.engine });
    }
    this.current = i;
  }

  /**
   * Runs the current packet for up to CHUNK_STEPS instructions; once it stops, records its result.
   * A packet whose program loops (unverified) thus never holds the worker longer than a chunk.
   * Returns the instructions it ran.
   */
  private advance(): number {
    const m = this.machine!;
    const before = m.stepCount;
    const stop = m.run(CHUNK_STEPS);
    const ran = m.stepCount - before;
    if (stop.kind === 'paused') return ran;
    const i = this.current;
    const run = this.run!;
    const out = this.out;
    this.current = -1;
    run.retire(m.stepCount);
    out.steps[i] = m.stepCount;
    if (stop.kind === 'exit') {
      const retval = m.retval;
      out.retvals[i] = retval;
      out.verdicts[i] = this.verdictOfRun(retval, run.packetLen());
    } else {
      out.verdicts[i] = this.verdictIndex(stop.kind === 'fault' ? 'fault' : 'instruction budget');
    }
    // a type that cannot reload its run prepares one a packet
    if (run.reload === null) this.release();
    return ran;
  }

  /** Unmaps the packets' run (between slices nothing of the replay stays mapped). */
  private release(): void {
    this.run?.dispose();
    this.run = null;
  }

  /**
   * Runs packets (or chunks of a long one) for about `ms` milliseconds (at least one chunk). The
   * clock is read every 64 packets or chunks, or sooner once they ran CHUNK_STEPS instructions.
   */
  slice(ms: number): void {
    const end = this.clock() + ms;
    const n = this.capture.packets.length;
    let chunks = 0;
    let steps = 0;
    try {
      for (;;) {
        if (this.current < 0) {
          if (this.next >= n) return;
          this.begin(this.next++);
        }
        if (this.current >= 0) steps += this.advance();
        if ((++chunks & 63) !== 0 && steps < CHUNK_STEPS) continue;
        steps = 0;
        if (this.clock() >= end) return;
      }
    } finally {
      if (this.current < 0) this.release();
    }
  }

  /**
   * Runs every packet, slice by slice, yielding between slices; stops early once `stopped()`
   * says so (an interrupt arrived while yielding) or the budget (the replay's time limit) is spent.
   */
  async runAll(stopped: () => boolean, yieldToEvents: () => Promise<void>, progress?: (p: CaptureProgress) => void, budget?: Budget): Promise<CaptureReplay> {
    let limit: LimitStop | null = null;
    while (!this.finished && !stopped()) {
      this.slice(SLICE_MS);
      if (progress) void progress({ done: this.done, total: this.capture.packets.length });
      limit = this.finished ? null : (budget?.reached() ?? null);
      if (limit) break;
      await yieldToEvents();
    }
    const out = this.result(!this.finished);
    if (limit) out.limit = limit;
    return out;
  }

  /** Releases what the replay's machine mapped (call-frame stacks); the replay cannot go on after it. */
  dispose(): void {
    this.current = -1;
    this.release();
    this.machine?.dispose();
    this.machine = null;
  }

  /** The results so far. */
  result(stopped: boolean): CaptureReplay {
    const out = this.out;
    const done = this.done;
    const counts = new Array<number>(this.names.length).fill(0);
    for (let i = 0; i < done; i++) counts[out.verdicts[i]]++;
    return {
      ...out,
      done,
      stopped,
      names: [...this.names],
      counts: this.names.map((name, i) => ({ name, count: counts[i] })),
    };
  }
}
