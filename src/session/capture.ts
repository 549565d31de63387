/**
 * Replaying a packet capture through the loaded program: each packet is one BPF_PROG_TEST_RUN
 * (the fast, unrecorded VM path), its return value and verdict kept in typed arrays. The replay
 * runs in slices of a few milliseconds; between slices the caller yields to its messages, so a
 * Stop is seen at once and the worker never stalls.
 *
 * Not here: reading the file (src/pcap), debugging one packet (a normal debug run).
 */
import { errnoName } from '../isa';
import type { Kernel } from '../kernel/kernel';
import { prepareRun, type PreparedRun } from '../kernel/run';
import { CHUNK_STEPS, wallClock, type Budget, type Clock } from './budget';
import type { LoadedProg } from '../kernel/types';
import type { Capture } from '../pcap';
import { LINKTYPE_ETHERNET } from '../pcap';
import { NO_TIME, type CaptureProgress, type CaptureReplay, type EngineSettings, type LimitStop } from '../protocol';
import { Machine } from '../vm';

/** Milliseconds of replay between looks at the worker's messages (the client's halt waits 60). */
const SLICE_MS = 15;

/** A socket filter's "keep all 54 bytes" counts with every other packet it keeps whole. */
function countedName(verdict: string): string {
  return verdict.startsWith('keep all ') ? 'keep all' : verdict;
}

/** One replay in progress: `slice` runs packets until its time is up. */
export class CaptureReplayer {
  private next = 0;
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly out: CaptureReplay;
  /** one machine for the whole replay: decoding the program once, not once a packet */
  private machine: Machine | null = null;
  /** the packet being run, when its run spans chunks */
  private current: { i: number; prep: PreparedRun } | null = null;

  constructor(
    private readonly k: Kernel,
    private readonly prog: LoadedProg,
    private readonly capture: Capture,
    private readonly ctx: Uint8Array | undefined,
    private readonly settings: EngineSettings,
    private readonly clock: Clock = wallClock,
  ) {
    const n = capture.packets.length;
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
    return this.current ? this.current.i : this.next;
  }

  private get finished(): boolean {
    return this.current === null && this.next >= this.capture.packets.length;
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

  /** Prepares packet `i` as BPF_PROG_TEST_RUN with repeat 1, or records why it does not run. */
  private begin(i: number): void {
    const pkt = this.capture.packets[i];
    const out = this.out;
    if (pkt.linkType !== LINKTYPE_ETHERNET) {
      out.verdicts[i] = this.verdictIndex(`skipped: link type ${pkt.linkType}`);
      return;
    }
    const prep = prepareRun(this.k, this.prog, { data: pkt.data.slice(), ctx: this.ctx });
    if (!prep.ok) {
      out.verdicts[i] = this.verdictIndex(`error: ${prep.error ?? errnoName(prep.errno)}`);
      return;
    }
    if (this.machine) this.machine.rehost(prep.host, prep.init);
    else this.machine = new Machine(prep.host, this.prog, prep.init, { semantics: this.settings.semantics, budget: this.settings.budget });
    this.current = { i, prep };
  }

  /**
   * Runs the current packet for up to CHUNK_STEPS instructions; once it stops, records its result.
   * A packet whose program loops (unverified) thus never holds the worker longer than a chunk.
   */
  private advance(): void {
    const cur = this.current!;
    const m = this.machine!;
    const stop = m.run(CHUNK_STEPS);
    if (stop.kind === 'paused') return;
    const { i, prep } = cur;
    const out = this.out;
    this.current = null;
    try {
      prep.retire(m.stepCount);
      out.steps[i] = m.stepCount;
      if (stop.kind === 'exit') {
        const r = prep.finish(stop.r0);
        out.retvals[i] = r.retval >>> 0;
        out.verdicts[i] = this.verdictIndex(countedName(r.verdict.name));
      } else {
        out.verdicts[i] = this.verdictIndex(stop.kind === 'fault' ? 'fault' : 'instruction budget');
      }
    } finally {
      prep.dispose();
    }
  }

  /** Runs packets (or chunks of a long one) for about `ms` milliseconds (at least one chunk). */
  slice(ms: number): void {
    const end = this.clock() + ms;
    const n = this.capture.packets.length;
    let chunks = 0;
    do {
      if (!this.current) {
        if (this.next >= n) return;
        this.begin(this.next++);
        if (!this.current) continue;
      }
      this.advance();
      chunks++;
    } while ((chunks & 15) !== 0 || this.clock() < end);
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
    this.current?.prep.dispose();
    this.current = null;
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
