/**
 * Asks ../shared/tools/kernel-oracle (the host kernel) a batch of requests as JSON Lines, one
 * process for the whole batch, and says why when it cannot answer (no root, no bpf(2), no
 * python): the differential tests skip with that reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath } from '../support/shared';

export type OracleAnswer = Record<string, unknown> & {
  request_error?: string;
  load?: { ok: boolean; errno: number; error: string | null; log: string };
  run?: { ok: boolean; errno: number; error: string | null; retval: number | null; data_out: string | null };
  maps?: { name: string; entries: { key: string; value: string | null; error: string | null }[] }[];
};

export type OracleResult = { available: true; answers: OracleAnswer[] } | { available: false; why: string };

const ORACLE = sharedPath('tools/kernel-oracle');

/** Runs the requests on the host kernel, in order. */
export function askOracle(requests: readonly object[]): OracleResult {
  if (!existsSync(ORACLE)) return { available: false, why: `${ORACLE} does not exist` };
  const dir = mkdtempSync(join(tmpdir(), 'bpflab-oracle-'));
  try {
    const file = join(dir, 'requests.jsonl');
    // two lines at least, so that the oracle answers JSON Lines even for one request
    const lines = requests.map((r) => JSON.stringify(r));
    writeFileSync(file, lines.join('\n') + '\n' + (lines.length === 1 ? '\n' : ''));
    const r = spawnSync(ORACLE, [file], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000 });
    if (r.error) return { available: false, why: `kernel-oracle did not run: ${r.error.message}` };
    const out = r.stdout.trim();
    if (!out) return { available: false, why: `kernel-oracle printed nothing (exit ${r.status}): ${r.stderr.trim().slice(0, 300)}` };
    let answers: OracleAnswer[];
    try {
      answers = out.startsWith('{\n') ? [JSON.parse(out)] : out.split('\n').map((l) => JSON.parse(l));
    } catch {
      return { available: false, why: `kernel-oracle's answer is not JSON: ${out.slice(0, 200)}` };
    }
    if (answers[0]?.available === false) return { available: false, why: `kernel-oracle: ${String(answers[0].why)}` };
    if (answers.length !== requests.length) return { available: false, why: `kernel-oracle gave ${answers.length} answers to ${requests.length} requests` };
    return { available: true, answers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let probed: OracleResult | undefined;
/** Whether the host kernel answers at all (asked once per test process). */
export function oracleAvailable(): { available: true } | { available: false; why: string } {
  probed ??= askOracle([{ insns: ['b700000000000000', '9500000000000000'] }]);
  return probed.available ? { available: true } : probed;
}
