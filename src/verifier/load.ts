/**
 * BPF_PROG_LOAD from the program's side, as 4.8 runs it: the syscall's checks (length, kprobe
 * version, privilege, program type, license), then bpf_check: the log attributes, the pre-scan,
 * the CFG check and the path walk, and finally the ENOSPC rule of the log. The kernel injects
 * `progLoad` and calls it with the request; sysctl checks are the kernel's own.
 */
import { Errno, readRaw, type RawInsn } from '../isa';
import { gplCompatible, prescan, prescannedBytes, progLoadChecks } from '../kernel/prog';
import type { BpfMap, ProgLoadRequest, ProgLoadVerdict, ProgVerifier } from '../kernel/types';
import type { VerifierAnalysis } from './analysis';
import { checkCfg } from './cfg';
import { makeEnv, type VerifierEnv } from './env';
import { VerifierLog } from './log';
import { refusal, type MessageArgs, type VerifierRefusal } from './messages';
import { DEFAULT_STATE_LIMIT, Recorder, visitsOf } from './record';
import { doCheck } from './walk';

/** The largest log_size 4.8 takes (UINT_MAX >> 8). */
export const LOG_SIZE_MAX = 0xffffff;
const LOG_SIZE_MIN = 128;

/** The verdict with the analysis typed. */
interface VerifierVerdict extends ProgLoadVerdict {
  analysis?: VerifierAnalysis;
  /** why the load failed, by the message table's id (also in the analysis) */
  refusal?: VerifierRefusal;
}

interface VerifyOptions {
  /** build `verdict.analysis` (default true) */
  analysis?: boolean;
  /** how many visits keep their state in the analysis (default 8192) */
  stateLimit?: number;
  /**
   * how a visit looks for a remembered state that covers it: through the index (default), or by
   * 4.8's own loop over every state (the reference the index is tested and benchmarked against)
   */
  pruning?: 'index' | 'scan';
}

/** The log attributes are sane (or no log was asked for); else EINVAL before anything runs. */
function logAttrsOk(req: ProgLoadRequest): boolean {
  const size = req.logSize >>> 0;
  if (req.logLevel === 0 && !req.logBuf && size === 0) return true;
  return size >= LOG_SIZE_MIN && size <= LOG_SIZE_MAX && req.logLevel !== 0 && req.logBuf;
}

/** What the passes of bpf_check found, for the verdict and the analysis. */
interface Checked {
  errno: number;
  stage: VerifierAnalysis['stage'];
  pruning: Uint8Array | null;
  processed: number;
  refusal: VerifierRefusal | null;
}

/** The pre-scan, the CFG check and the walk, the first failure winning; the log written as 4.8 writes it. */
function check(env: VerifierEnv, req: ProgLoadRequest, pruning: VerifyOptions['pruning']): Checked {
  const { insns, log } = env;
  const pre = prescan(insns as RawInsn[], req.resolveMapFd, env.maps, env.mapOf);
  if (pre) {
    const r = refusal(pre.id, pre.args as MessageArgs<typeof pre.id>, pre.pc);
    if (r.text !== null) log.write(r.text + '\n');
    return { errno: pre.errno, stage: 'prescan', pruning: null, processed: 0, refusal: r };
  }
  const cfg = checkCfg(insns);
  if (!cfg.ok) {
    if (cfg.refusal.text !== null) log.write(cfg.refusal.text + '\n');
    return { errno: cfg.errno, stage: 'cfg', pruning: null, processed: 0, refusal: cfg.refusal };
  }
  const walk = doCheck(env, cfg.pruningPoints, pruning);
  return { errno: walk.errno, stage: 'walk', pruning: cfg.pruningPoints, processed: walk.processed, refusal: env.error };
}

/** Runs BPF_PROG_LOAD's program checks and the verifier over `req`. */
export function verify(req: ProgLoadRequest, opts: VerifyOptions = {}): VerifierVerdict {
  const insnCnt = req.bytes.length >> 3;
  const wantAnalysis = opts.analysis !== false;
  const early = earlyRefusal(req, insnCnt);
  if (early) {
    const verdict: VerifierVerdict = { ok: false, errno: early.errno, log: '', refusal: early.refusal, reason: early.refusal.message };
    if (wantAnalysis) verdict.analysis = emptyAnalysis(req, insnCnt, early.errno, early.refusal);
    return verdict;
  }
  const level = req.logLevel === 0 && !req.logBuf && req.logSize === 0 ? 0 : req.logLevel >>> 0;
  const log = new VerifierLog(level, req.logSize >>> 0);
  const insns: RawInsn[] = new Array(insnCnt);
  for (let i = 0; i < insnCnt; i++) insns[i] = readRaw(req.bytes, i);
  const maps: BpfMap[] = [];
  const mapOf = new Int32Array(insnCnt).fill(-1);
  const rec = wantAnalysis ? new Recorder(opts.stateLimit ?? DEFAULT_STATE_LIMIT) : null;
  const env = makeEnv({ insns, progType: req.progType, allowPtrLeaks: req.privileged, gplCompatible: gplCompatible(req.license), maps, mapOf, log, rec });
  const c = check(env, req, opts.pruning);
  // a log that filled its buffer makes the load fail with ENOSPC, whatever the verdict was
  const errno = log.full ? Errno.ENOSPC : c.errno;
  const why = log.full ? refusal('log_full', [req.logSize >>> 0], null) : c.refusal;
  const verdict: VerifierVerdict = { ok: errno === 0, errno, log: log.text() };
  if (why) verdict.refusal = why;
  // a refusal 4.8 prints nothing for: say why beside the log (run --json's load.reason)
  if (why && why.text === null && errno !== 0) verdict.reason = why.message;
  if (errno === 0) {
    verdict.bytes = prescannedBytes(req.bytes, insns, mapOf);
    verdict.maps = maps.slice();
  }
  if (rec) {
    const table = rec.table(maps);
    const analysis: Omit<VerifierAnalysis, 'visits' | 'visitsByPc'> = {
      ok: errno === 0,
      errno,
      stage: c.stage,
      privileged: req.privileged,
      progType: req.progType,
      insnCount: insnCnt,
      processed: c.processed,
      pruningPoints: c.pruning ? indexesOf(c.pruning) : [],
      maps: maps.map(mapInfo),
      table,
      paths: rec.paths,
      stateLimit: rec.stateLimit,
      error: c.refusal ? { pc: c.refusal.pc, message: c.refusal.message } : why ? { pc: null, message: why.message } : null,
      refusal: why,
    };
    verdict.analysis = withVisits(analysis, insnCnt);
  }
  return verdict;
}

/** The syscall's checks and the log attributes: a refusal before anything is written, or null. */
function earlyRefusal(req: ProgLoadRequest, insnCnt: number): { errno: number; refusal: VerifierRefusal } | null {
  const bad = progLoadChecks(req, insnCnt);
  if (bad) return { errno: bad.errno, refusal: refusal(bad.id, bad.args as MessageArgs<typeof bad.id>, null) };
  if (!logAttrsOk(req)) return { errno: Errno.EINVAL, refusal: refusal('log_attrs', [req.logLevel >>> 0, req.logSize >>> 0], null) };
  return null;
}

/** The kernel's injection point: BPF_PROG_LOAD's verdict, log and analysis. */
export const progLoad: ProgVerifier = (req) => verify(req);

/**
 * `visits` and `visitsByPc` made from the table on first use (one object per visit: the IDE's
 * load does not need them, provenance and the tests do). Both are ordinary enumerable
 * properties once made, so the analysis stays plain data for structured clone and equality.
 */
function withVisits(a: Omit<VerifierAnalysis, 'visits' | 'visitsByPc'>, insnCnt: number): VerifierAnalysis {
  const lazily = <K extends 'visits' | 'visitsByPc'>(key: K, make: () => VerifierAnalysis[K]) =>
    Object.defineProperty(a, key, {
      configurable: true,
      enumerable: true,
      get: () => {
        const value = make();
        Object.defineProperty(a, key, { value, configurable: true, enumerable: true, writable: true });
        return value;
      },
    });
  lazily('visits', () => visitsOf(a.table));
  lazily('visitsByPc', () => byPc(a.table.pcs, insnCnt));
  return a as VerifierAnalysis;
}

function indexesOf(marks: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < marks.length; i++) if (marks[i]) out.push(i);
  return out;
}

function byPc(pcs: readonly number[], n: number): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < pcs.length; v++) out[pcs[v]].push(v);
  return out;
}

function mapInfo(m: BpfMap): VerifierAnalysis['maps'][number] {
  return {
    id: m.id,
    name: m.name,
    mapType: m.mapType,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    addr: '0x' + m.addr.toString(16),
  };
}

function emptyAnalysis(req: ProgLoadRequest, insnCnt: number, errno: number, why: VerifierRefusal): VerifierAnalysis {
  return {
    ok: false,
    errno,
    stage: 'syscall',
    privileged: req.privileged,
    progType: req.progType,
    insnCount: insnCnt,
    processed: 0,
    pruningPoints: [],
    maps: [],
    visits: [],
    table: { pcs: [], pathOf: [], regList: [], stack: [], regLists: [], stacks: [], prunedBy: new Map(), remembered: new Set() },
    paths: [],
    visitsByPc: [],
    stateLimit: 0,
    error: { pc: null, message: why.message },
    refusal: why,
  };
}
