/**
 * The host kernel as an oracle: `run --json` requests put to this machine's real bpf(2) through
 * tools/kernel-oracle.py (one Python process a batch, JSON Lines both ways), the answers checked
 * against the shape bpflab's own answers have. Three outcomes, kept apart on purpose:
 *   - answers, one per request, in order;
 *   - unavailable: the machine cannot answer (not Linux, not root, no python3), with the reason;
 *   - OracleFailure (thrown): the oracle started and then crashed, hung or answered out of shape.
 *     That is never "unavailable": a broken oracle must not pass for a missing kernel.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Answer } from '../session/request';
import { hostRequest } from '../session/request-host';
import type { ObjectReader } from '../session/request-object';

/** tools/kernel-oracle.py, found from this file. */
export const ORACLE_SCRIPT = fileURLToPath(new URL('../../tools/kernel-oracle.py', import.meta.url));

/** The oracle crashed, timed out or answered something that is not an answer. */
export class OracleFailure extends Error {}

export type HostStatus = { available: true; kernel: string } | { available: false; why: string };
type HostAnswers = { available: true; answers: Answer[] } | { available: false; why: string };

/** Exit status with which the oracle says the machine cannot answer. */
const UNAVAILABLE = 3;

interface Spawned {
  lines: unknown[];
  status: number | null;
}

/** Runs the oracle with `args` and `input`; parses stdout as JSON Lines. Unavailable is a value. */
function spawnOracle(args: string[], input: string, timeoutMs: number): Spawned | { available: false; why: string } {
  const python = process.env.BPFLAB_PYTHON || 'python3';
  const r = spawnSync(python, [ORACLE_SCRIPT, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { available: false, why: `${python} is not installed (the kernel oracle is a Python 3 script)` };
    throw new OracleFailure(`the kernel oracle did not finish: ${r.error.message}`);
  }
  const text = r.stdout.trim();
  const lines: unknown[] = [];
  for (const [i, line] of (text ? text.split('\n') : []).entries()) {
    try {
      lines.push(JSON.parse(line));
    } catch {
      throw new OracleFailure(`the kernel oracle's line ${i + 1} is not JSON (exit ${r.status}): ${line.slice(0, 200)}\n${r.stderr.slice(-2000)}`);
    }
  }
  if (r.status === UNAVAILABLE) {
    const a = lines[0] as { available?: unknown; why?: unknown } | undefined;
    if (lines.length === 1 && a?.available === false && typeof a.why === 'string') return { available: false, why: a.why };
    throw new OracleFailure(`the kernel oracle exited ${UNAVAILABLE} without saying why: ${text.slice(0, 300)}`);
  }
  if (r.status !== 0 && r.status !== 2) {
    throw new OracleFailure(`the kernel oracle failed (exit ${r.status ?? r.signal}): ${r.stderr.slice(-2000) || text.slice(0, 300)}`);
  }
  return { lines, status: r.status };
}

/** Whether the host kernel answers: a two-instruction program must load. Throws OracleFailure if the oracle is broken. */
export function probeHost(): HostStatus {
  const r = spawnOracle(['--probe'], '', 60_000);
  if ('available' in r) return r;
  const a = r.lines[0] as { available?: unknown; kernel?: unknown } | undefined;
  if (r.status !== 0 || r.lines.length !== 1 || a?.available !== true || typeof a.kernel !== 'string') {
    throw new OracleFailure(`the kernel oracle's probe answered out of shape: ${JSON.stringify(r.lines).slice(0, 300)}`);
  }
  return { available: true, kernel: a.kernel };
}

let status: HostStatus | undefined;

/** probeHost, asked once a process. */
export function hostStatus(): HostStatus {
  status ??= probeHost();
  return status;
}

/**
 * Puts the requests to the host kernel in one batch. A request the host cannot be asked (bpflab's
 * additions, assembly that does not assemble) gets its request_error here, as bpflab would give it.
 */
export function askHost(requests: readonly unknown[], timeoutMs = 600_000, readObject?: ObjectReader): HostAnswers {
  const lowered = requests.map((r) => hostRequest(r, readObject));
  const asked = lowered.filter((r) => !('request_error' in r));
  let answers: unknown[] = [];
  if (asked.length) {
    const r = spawnOracle(['--lines', '-'], asked.map((x) => JSON.stringify(x)).join('\n') + '\n', timeoutMs);
    if ('available' in r) return r;
    if (r.lines.length !== asked.length) throw new OracleFailure(`the kernel oracle gave ${r.lines.length} answers to ${asked.length} requests`);
    answers = r.lines;
  }
  let next = 0;
  const out = lowered.map((l, i): Answer => {
    if ('request_error' in l) return { available: true, request_error: l.request_error };
    const a = answers[next++];
    const problem = answerProblem(a);
    if (problem) throw new OracleFailure(`the kernel oracle's answer to request ${i} is out of shape: ${problem}\n${JSON.stringify(a).slice(0, 500)}`);
    return a as Answer;
  });
  return { available: true, answers: out };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const isHex = (v: unknown): boolean => typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v);
const nullOr = (v: unknown, test: (x: unknown) => boolean): boolean => v === null || test(v);

/** What is wrong with an answer's shape (the fields bpflab's answers have), or null. */
export function answerProblem(a: unknown): string | null {
  if (!isObj(a) || a.available !== true) return 'not an answer object with available: true';
  if ('request_error' in a) return typeof a.request_error === 'string' ? null : 'request_error is not a string';
  if (typeof a.kernel !== 'string') return 'kernel is not a string';
  const l = a.load;
  if (!isObj(l) || typeof l.ok !== 'boolean' || !isInt(l.errno) || !nullOr(l.error, (x) => typeof x === 'string') || typeof l.log !== 'string' || typeof l.log_truncated !== 'boolean') {
    return 'load is not {ok, errno, error, log, log_truncated}';
  }
  if (l.ok !== (l.errno === 0)) return 'load.ok and load.errno disagree';
  if (a.run !== undefined) {
    const r = a.run;
    if (!isObj(r) || typeof r.ok !== 'boolean' || !isInt(r.errno) || !nullOr(r.retval, isInt) || !nullOr(r.data_out, isHex) || !nullOr(r.duration_ns, isInt)) {
      return 'run is not {ok, errno, error, retval, data_out, duration_ns}';
    }
    if (r.ok !== (r.errno === 0) || r.ok !== (r.retval !== null)) return 'run.ok, run.errno and run.retval disagree';
  }
  if (!Array.isArray(a.maps)) return 'maps is not a list';
  for (const m of a.maps) {
    if (!isObj(m) || typeof m.name !== 'string' || !Array.isArray(m.entries)) return 'a map is not {name, entries}';
    for (const e of m.entries) {
      if (!isObj(e) || !isHex(e.key) || !nullOr(e.value, isHex) || !nullOr(e.error, (x) => typeof x === 'string')) return `an entry of map ${m.name} is not {key, value, error}`;
    }
  }
  return null;
}
