/**
 * `bpflab run --json`: answers the requests the kernel oracle (tools/kernel-oracle.py) answers,
 * in the same shape, with bpflab's simulated Linux 4.8 instead of the host kernel, so that one request
 * file gives comparable answers from both. One object in, one (indented) object out; JSON Lines
 * in, one line out per line, each answered on its own. A request that makes no sense gets
 * `{"request_error": ...}` and never a stack trace.
 *
 * Additions to the oracle's answer: `run.r0` (the full 64-bit r0), `run.verdict` (the return
 * value's meaning for the program type), `run.trace` (trace_pipe lines), `run.perf` (perf
 * samples), `run.redirect`, `run.steps` (instructions executed), and `run.fault` when an
 * unverified program faulted or ran out of its instruction budget.
 */
import { bytesToHex, Cmd, errnoName, Errno, ProgType } from '../isa';
import { LIMITS, type LimitKind, type LimitStop } from '../protocol';
import { Budget, CHUNK_STEPS, type Clock } from './budget';
import { buildRecord, tracepointByName } from '../kernel/progtypes/tracepoint';
import { Kernel } from '../kernel/kernel';
import { helperOffered } from '../kernel/helpers';
import { prepareRun, type PreparedRun, type RunInput } from '../kernel/run';
import type { LoadedProg, PerfEvent, ProgVerifier } from '../kernel/types';
import { progLoad } from '../verifier';
import { checkProgram, Machine, type Engine } from '../vm';
import { parseRequest, type Request, type RunSpec } from './request-schema';
import { requestPrograms, type ObjectReader } from './request-object';
import { applyFixups, createMaps, fillSlots, mergeMaps, dumpMap, loadProgs, progTypeOf, RequestError, type DumpedEntry, type MapTable } from './request-setup';

/**
 * Instructions all repetitions of one request may run together: past it the run stops with
 * EINTR, as the kernel's test run does when a signal interrupts a long repeat.
 */
const MAX_TOTAL_STEPS = 1_000_000_000;

/** Slots of a perf_event_array whose events are read after a run. */
const MAX_PERF_SLOTS = 4096;

/** What bpflab reports as its kernel release. */
const KERNEL_RELEASE = '4.8.0-bpflab';

interface RequestOptions {
  /** seed of the simulated world (default 1) */
  seed?: number;
  /** simulated CPUs (default: the kernel's default, 2) */
  ncpus?: number;
  /** the verifier to inject (default: bpflab's 4.8 verifier) */
  verifier?: ProgVerifier;
  /** instruction budget of each run when the request gives no `run.budget` (default LIMITS.steps.default) */
  budget?: number;
  /** instructions all repetitions of a request may run together (default MAX_TOTAL_STEPS) */
  maxTotalSteps?: number;
  /** how the VM runs the program (default 'auto': interpreted, compiled once it has run long enough) */
  engine?: Engine;
  /** wall-clock milliseconds a request's runs may take when it does not say (default LIMITS.requestTimeMs) */
  timeLimitMs?: number;
  /** the clock the time limit is measured with (tests) */
  clock?: Clock;
  /** reads a request's `object` (the CLI's reads files; without one, a request with `object` is refused) */
  readObject?: ObjectReader;
}

/** How a request raises its time limit, for the message of a limit reached. */
const REQUEST_RAISE = { time: `the request's time limit; raise it with run.time_limit_ms, up to ${LIMITS.requestTimeMs.ceiling}` };

export interface LoadAnswer {
  ok: boolean;
  errno: number;
  error: string | null;
  log: string;
  log_truncated: boolean;
  /** bpflab's: why the load failed when 4.8 prints no message for it (the log stays 4.8's) */
  reason?: string;
}

export interface RunAnswer {
  ok: boolean;
  errno: number;
  error: string | null;
  retval: number | null;
  data_out: string | null;
  duration_ns: number | null;
  r0?: string;
  verdict?: string;
  steps?: number;
  trace?: string[];
  /** perf records in ring order: samples, and `lost` where perf writes a PERF_RECORD_LOST */
  perf?: ({ map: string; cpu: number; data: string } | { map: string; cpu: number; lost: number })[];
  /** what the kernel's buffers dropped: trace records overwritten, perf samples lost (only when any were) */
  dropped?: { trace: number; perf: number };
  redirect?: { ifindex: number; ingress: boolean };
  fault?: string;
  /** bpflab's: why the test run refused to start (an unknown tracepoint, a ctx_in it may not take) */
  reason?: string;
  /** the run stopped at bpflab's limit (not the kernel's answer): which one; `fault` says more */
  limit?: LimitKind;
}

export type Answer =
  | {
      available: true;
      kernel: string;
      /** bpflab's: the section of the request's `object` that was loaded */
      section?: string;
      /** bpflab's: what the object reader says about the program (instructions beyond Linux 4.8) */
      warning?: string;
      load: LoadAnswer;
      run?: RunAnswer;
      maps: { name: string; entries: DumpedEntry[] }[];
    }
  | { available: true; request_error: string };

/** Answers one parsed request. */
function answerRequest(req: Request, opts: RequestOptions = {}): Answer {
  try {
    return answerOrThrow(req, opts);
  } catch (e) {
    if (e instanceof RequestError) return { available: true, request_error: e.message };
    // a bug of ours: say so in one line, without a stack trace
    return { available: true, request_error: `internal error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function answerOrThrow(req: Request, opts: RequestOptions): Answer {
  const { main, extra, declared, section, warning } = requestPrograms(req, opts.readObject);
  const k = new Kernel({ seed: opts.seed ?? 1, ncpus: opts.ncpus, verifier: req.verify ? (opts.verifier ?? progLoad) : undefined });
  if (req.world === 'test_run') testRunWorld(k);
  // the time limit covers the whole request: creating its maps and loading its programs too
  const budget = new Budget({ timeMs: req.run?.timeLimitMs ?? opts.timeLimitMs ?? LIMITS.requestTimeMs.default }, REQUEST_RAISE, opts.clock);
  const tick = (doing: string) => {
    const limit = budget.reached();
    if (limit) throw new RequestError(`${limit.message}, while ${doing}`);
  };
  const maps = createMaps(k, mergeMaps(req.maps, declared), tick);
  const progType = progTypeOf(req, main);
  loadProgs(k, progType, maps, extra, tick);
  fillSlots(k, maps);
  applyFixups(main, maps);
  // the log attributes go in as given: 4.8's bpf_check refuses a size or buffer without a level
  const logSize = req.logSize;
  k.privileged = !req.unprivileged;
  const r = k.bpf(Cmd.PROG_LOAD, {
    progType,
    insns: main.bytes,
    license: main.license ?? 'GPL',
    logLevel: req.logLevel,
    logSize,
    logBuf: logSize ? new Uint8Array(Math.min(logSize, 1 << 24)) : null,
    kernVersion: main.kernVersion ?? 0,
    name: main.name,
  });
  k.privileged = true;
  let load: LoadAnswer = { ok: r.ok, errno: r.ok ? 0 : r.errno, error: r.ok ? null : errnoName(r.errno), log: r.log, log_truncated: !r.ok && r.errno === Errno.ENOSPC, ...(r.ok || !r.reason ? {} : { reason: r.reason }) };
  let run: RunAnswer | undefined;
  if (r.ok) {
    const prog = k.progOfFd(r.value)!;
    if (!req.verify) load = checkUnverified(k, prog, main.bytes, req.run) ?? load;
    if (load.ok && req.run) run = runProgram(k, prog, req, maps, opts, budget);
  }
  const dumped = [...maps].map(([name, { fd }]) => ({ name, entries: dumpMap(k, fd) }));
  return { available: true, kernel: KERNEL_RELEASE, ...(section === undefined ? {} : { section }), ...(warning ? { warning } : {}), load, ...(run ? { run } : {}), maps: dumped };
}

/**
 * The world BPF_PROG_TEST_RUN runs in on a host: the task that asks (the kernel oracle, a
 * loader) sits in the root cgroup, with no net_cls classid. The IDE's world (`"world": "ide"`)
 * puts its task in /app (classid 0x100001) so the cgroup helpers have something to show.
 */
function testRunWorld(k: Kernel): void {
  k.world.task = { ...k.world.task, cgroup: '/' };
}

/**
 * An unverified program must at least be runnable (vm/check.ts); otherwise the load is refused.
 * `bytes` are the ones PROG_LOAD got: map loads hold the fds of the request's maps.
 */
function checkUnverified(k: Kernel, prog: LoadedProg, bytes: Uint8Array, run: RunSpec | undefined): LoadAnswer | null {
  const problems = checkProgram(bytes, {
    hasHelper: (id) => helperOffered(prog.progType, id, prog.privileged),
    isMapFd: (fd) => k.mapOfFd(fd) !== undefined,
    initRegs: run?.mem ? [1, 2, 10] : [1, 10],
  });
  if (!problems.length) return null;
  const log = problems.map((p) => (p.pc === undefined ? p.message : `${p.pc}: ${p.message}`)).join('\n') + '\n';
  return { ok: false, errno: Errno.EINVAL, error: 'EINVAL', log, log_truncated: false };
}

const r0Hex = (r0: bigint): string => '0x' + BigInt.asUintN(64, r0).toString(16).padStart(16, '0');

function inputOf(spec: RunSpec): RunInput {
  return { data: spec.data, ctx: spec.ctx, mem: spec.mem, tracepoint: spec.tracepoint, tracepointFields: spec.tracepointFields };
}

interface Repeated {
  stop: ReturnType<Machine['run']>;
  steps: number;
  /** the request's instruction budget ran out before the last repetition */
  interrupted: boolean;
  /** the request's time limit was reached (the run stopped at a chunk boundary) */
  limit: LimitStop | null;
  durationNs: number;
}

/** One repetition, a chunk of instructions at a time, asking the budget between chunks. */
function runOnce(m: Machine, budget: Budget): { stop: ReturnType<Machine['run']>; limit: LimitStop | null } {
  for (;;) {
    const stop = m.run(CHUNK_STEPS * 16);
    if (stop.kind !== 'paused') return { stop, limit: null };
    const limit = budget.reached();
    if (limit) return { stop, limit };
  }
}

/**
 * Runs `repeat` times on the same packet and context, the clock advancing by each run's steps,
 * within the request's instruction budget and time limit.
 */
function repeatRuns(m: Machine, prep: PreparedRun, repeat: number, maxSteps: number, budget: Budget): Repeated {
  const started = performance.now();
  let steps = 0;
  let { stop, limit } = runOnce(m, budget);
  let interrupted = false;
  let done = 1;
  for (; done < repeat && stop.kind === 'exit' && !limit; done++) {
    if (steps + m.stepCount > maxSteps) {
      interrupted = true;
      break;
    }
    // a short program repeated many times: look at the clock every 256 repetitions too
    if ((done & 255) === 0 && (limit = budget.reached())) break;
    steps += m.stepCount;
    prep.retire(m.stepCount);
    prep.again();
    m.reset(prep.init);
    ({ stop, limit } = runOnce(m, budget));
  }
  steps += m.stepCount;
  prep.retire(m.stepCount);
  return { stop, steps, interrupted, limit, durationNs: Math.round(((performance.now() - started) * 1e6) / done) };
}

/** Field values for a tracepoint's record are the request's: a bad one is a request_error naming it. */
function checkTracepointFields(k: Kernel, prog: LoadedProg, spec: RunSpec): void {
  if (!spec.tracepointFields || spec.ctx || prog.progType !== ProgType.Tracepoint) return;
  const def = tracepointByName(spec.tracepoint ?? 'sched:sched_switch');
  const r = def && buildRecord(def, k.world, spec.tracepointFields);
  if (typeof r === 'string') throw new RequestError(`run.tracepoint.fields.${r}`);
}

/** BPF_PROG_TEST_RUN: `repeat` runs on the same packet; retval and data_out of the last one. */
function runProgram(k: Kernel, prog: LoadedProg, req: Request, maps: MapTable, opts: RequestOptions, budget: Budget): RunAnswer {
  const spec = req.run!;
  checkTracepointFields(k, prog, spec);
  const prep = prepareRun(k, prog, inputOf(spec));
  if (!prep.ok) return { ok: false, errno: prep.errno, error: prep.error, retval: null, data_out: null, duration_ns: null, reason: prep.message };
  const runBudget = spec.budget ?? opts.budget ?? LIMITS.steps.default;
  const m = new Machine(prep.host, prog, prep.init, { semantics: req.semantics, budget: runBudget, engine: opts.engine });
  const maxSteps = opts.maxTotalSteps ?? MAX_TOTAL_STEPS;
  const { stop, steps, interrupted, limit, durationNs } = repeatRuns(m, prep, spec.repeat, maxSteps, budget);
  const extras = { steps, ...sideEffects(k, maps) };
  const failed = (errno: number, fault: string): RunAnswer => {
    prep.dispose();
    return { ok: false, errno, error: errnoName(errno), retval: null, data_out: null, duration_ns: null, ...extras, fault };
  };
  if (limit) return { ...failed(Errno.EINTR, limit.message), limit: limit.limit };
  if (interrupted) return failed(Errno.EINTR, `the request's instruction budget (${maxSteps}) ran out before the last repetition`);
  if (stop.kind === 'fault') return failed(Errno.EFAULT, `pc ${stop.pc}: ${stop.message}`);
  if (stop.kind !== 'exit') {
    const raise = runBudget < LIMITS.steps.ceiling ? `; raise it with run.budget, up to ${LIMITS.steps.ceiling}` : '';
    return failed(Errno.EINTR, `the instruction budget ran out after ${m.stepCount} instructions (run.budget ${runBudget}${raise})`);
  }
  const out = prep.finish(stop.r0);
  prep.dispose();
  return {
    ok: true,
    errno: 0,
    error: null,
    retval: out.retval,
    data_out: out.dataOut ? bytesToHex(out.dataOut) : '',
    duration_ns: durationNs,
    r0: r0Hex(out.r0),
    verdict: out.verdict.name,
    ...extras,
    ...(out.redirect ? { redirect: out.redirect } : {}),
  };
}

/**
 * trace_pipe lines and perf records the run left, read as a reader would after the run (which
 * consumes them), and what the kernel's buffers dropped: trace records overwritten in a full ring
 * (also shown as trace_pipe's `CPU:N [LOST M EVENTS]` line) and perf samples lost to a full ring
 * (also shown where perf puts its PERF_RECORD_LOST).
 */
function sideEffects(k: Kernel, maps: MapTable): Pick<RunAnswer, 'trace' | 'perf' | 'dropped'> {
  const out: Pick<RunAnswer, 'trace' | 'perf' | 'dropped'> = {};
  const trace = k.trace.read();
  if (trace.length) out.trace = trace;
  const perf: NonNullable<RunAnswer['perf']> = [];
  const seen = new Set<PerfEvent>();
  let perfLost = 0;
  for (const [name, { fd }] of maps) {
    const map = k.mapOfFd(fd)!;
    for (let i = 0; i < map.maxEntries && i < MAX_PERF_SLOTS; i++) {
      const ev = k.perfEventGet(map, i);
      if (!ev || seen.has(ev)) continue;
      seen.add(ev);
      perfLost += ev.ring.lost;
      for (const r of ev.ring.read()) perf.push(r.kind === 'sample' ? { map: name, cpu: r.cpu, data: bytesToHex(r.data) } : { map: name, cpu: r.cpu, lost: r.lost });
    }
  }
  if (perf.length) out.perf = perf;
  const traceDropped = k.trace.dropped; // the request's kernel is a fresh one
  if (traceDropped || perfLost) out.dropped = { trace: traceDropped, perf: perfLost };
  return out;
}

/** Parses and answers one request given as JSON text or an already parsed value. */
export function answerValue(v: unknown, opts: RequestOptions = {}): Answer {
  const req = parseRequest(v);
  return typeof req === 'string' ? { available: true, request_error: req } : answerRequest(req, opts);
}

/**
 * Answers a whole request file: one JSON value (answered indented, as the oracle does), or JSON
 * Lines (one compact answer a line, a bad line getting its own request_error). `errors` counts
 * the request errors (the CLI exits 2 if there are any, as the oracle does).
 */
export function answerText(text: string, opts: RequestOptions = {}): { output: string; errors: number } {
  let single: unknown;
  let isSingle = true;
  try {
    single = JSON.parse(text);
  } catch {
    isSingle = false;
  }
  if (isSingle) {
    const a = answerValue(single, opts);
    return { output: JSON.stringify(a, null, 1) + '\n', errors: 'request_error' in a ? 1 : 0 };
  }
  // blank lines get no answer, but count: a request_error names the line as an editor numbers it
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, no: i + 1 })).filter((l) => l.line.trim() !== '');
  let errors = 0;
  const out = lines.map(({ line, no }) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      errors++;
      return JSON.stringify({ available: true, request_error: `line ${no}: invalid JSON: ${e instanceof Error ? e.message : String(e)}` });
    }
    const a = answerValue(v, opts);
    if (!('request_error' in a)) return JSON.stringify(a);
    errors++;
    return JSON.stringify({ ...a, request_error: `line ${no}: ${a.request_error}` });
  });
  return { output: out.map((l) => l + '\n').join(''), errors };
}
