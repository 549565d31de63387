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
import { makeEnv } from './env';
import { VerifierLog } from './log';
import { DEFAULT_STATE_LIMIT, Recorder } from './record';
import { doCheck } from './walk';

/** The largest log_size 4.8 takes (UINT_MAX >> 8). */
export const LOG_SIZE_MAX = 0xffffff;
export const LOG_SIZE_MIN = 128;

/** The verdict with the analysis typed. */
export interface VerifierVerdict extends ProgLoadVerdict {
  analysis?: VerifierAnalysis;
}

export interface VerifyOptions {
  /** build `verdict.analysis` (default true) */
  analysis?: boolean;
  /** how many visits keep their state in the analysis (default 8192) */
  stateLimit?: number;
}

/** The log attributes are sane (or no log was asked for); else EINVAL before anything runs. */
function logAttrsOk(req: ProgLoadRequest): boolean {
  const size = req.logSize >>> 0;
  if (req.logLevel === 0 && !req.logBuf && size === 0) return true;
  return size >= LOG_SIZE_MIN && size <= LOG_SIZE_MAX && req.logLevel !== 0 && req.logBuf;
}

/** Why bpf_check refuses the log attributes, for the refusal's reason (4.8 prints nothing). */
function logAttrsWhy(req: ProgLoadRequest): string {
  if (req.logLevel === 0) return `log_level 0 with a log buffer or a log_size (${req.logSize >>> 0}): 4.8 wants all three zero, or a level with a buffer`;
  if (!req.logBuf) return 'a log_level without a log buffer';
  return `log_size ${req.logSize >>> 0} is outside 128..16777215`;
}

/** Runs BPF_PROG_LOAD's program checks and the verifier over `req`. */
export function verify(req: ProgLoadRequest, opts: VerifyOptions = {}): VerifierVerdict {
  const insnCnt = req.bytes.length >> 3;
  const wantAnalysis = opts.analysis !== false;
  const early = progLoadChecks(req, insnCnt) ?? (logAttrsOk(req) ? null : { errno: Errno.EINVAL, why: logAttrsWhy(req) });
  if (early) {
    const verdict: VerifierVerdict = { ok: false, errno: early.errno, log: '', reason: early.why };
    if (wantAnalysis) verdict.analysis = emptyAnalysis(req, insnCnt, early.errno, early.why);
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

  let errno: number;
  let stage: VerifierAnalysis['stage'] = 'prescan';
  let pruning: Uint8Array | null = null;
  let processed = 0;
  let error: VerifierAnalysis['error'] = null;
  let silent: string | undefined; // a refusal 4.8 gives without a message
  const pre = prescan(insns, req.resolveMapFd, maps, mapOf);
  if (pre) {
    errno = pre.errno;
    if (pre.message) log.write(pre.message + '\n');
    else silent = `the program uses more than 64 maps (MAX_USED_MAPS); 4.8 refuses it at insn ${pre.pc} without a message`;
    error = { pc: pre.pc, message: pre.message ?? `more than 64 maps (no message)` };
  } else {
    stage = 'cfg';
    const cfg = checkCfg(insns);
    if (!cfg.ok) {
      errno = cfg.errno;
      if (cfg.message) log.write(cfg.message + '\n');
      else silent = `insn ${cfg.pc} is a ja with the X bit (0x0d), which 4.8 refuses without a message`;
      error = { pc: cfg.pc, message: cfg.message ?? 'ja with the X bit (no message)' };
    } else {
      stage = 'walk';
      pruning = cfg.pruningPoints;
      const walk = doCheck(env, pruning);
      errno = walk.errno;
      processed = walk.processed;
      error = env.error;
    }
  }
  if (log.full) errno = Errno.ENOSPC;
  const verdict: VerifierVerdict = { ok: errno === 0, errno, log: log.text(), ...(silent ? { reason: silent } : {}) };
  if (errno === 0) {
    verdict.bytes = prescannedBytes(req.bytes, insns, mapOf);
    verdict.maps = maps.slice();
  }
  if (rec) {
    verdict.analysis = {
      ok: errno === 0,
      errno,
      stage,
      privileged: req.privileged,
      progType: req.progType,
      insnCount: insnCnt,
      processed,
      pruningPoints: pruning ? indexesOf(pruning) : [],
      maps: maps.map(mapInfo),
      visits: rec.visits(maps),
      paths: rec.paths,
      visitsByPc: byPc(rec.pcs, insnCnt),
      stateLimit: rec.stateLimit,
      error: error ?? (errno === Errno.ENOSPC ? { pc: null, message: 'the log did not fit in log_size (ENOSPC)' } : null),
    };
  }
  return verdict;
}

/** The kernel's injection point: BPF_PROG_LOAD's verdict, log and analysis. */
export const progLoad: ProgVerifier = (req) => verify(req);

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

function emptyAnalysis(req: ProgLoadRequest, insnCnt: number, errno: number, why: string): VerifierAnalysis {
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
    paths: [],
    visitsByPc: [],
    stateLimit: 0,
    error: { pc: null, message: why },
  };
}
