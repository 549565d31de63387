/**
 * `npm run bench -- verifier`: the verifier's speed on the 102 programs of the 4.8 suite (loaded
 * privileged and unprivileged, log level 1) and on a large program (about 3,500 instructions and
 * 900 branches: packet checks, map lookups, spills, helper calls), with and without the analysis
 * the IDE gets. CPU time, best of several rounds: the machine is shared. Prints only.
 */
import { existsSync } from 'node:fs';
import { encodeProgram, ProgType, type RawInsn } from '../src/isa';
import type { ProgLoadRequest } from '../src/kernel/types';
import { verify } from '../src/verifier';
import { sharedPath } from '../test/support/shared';
import { loadSuite, request, suiteRequest } from '../test/verifier/support';

/** Logs never fill: the bench measures the walk, not ENOSPC. */
const LOG_SIZE = (1 << 24) - 1;

/** The suite's programs (fixups applied), each privileged and unprivileged. */
function suite(): ProgLoadRequest[] {
  if (!existsSync(sharedPath('verifier/tests.json'))) return [];
  return loadSuite().flatMap((t) => [suiteRequest(t, true, { logSize: LOG_SIZE }), suiteRequest(t, false, { logSize: LOG_SIZE })]);
}

const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });

/** A tc program of blocks cycling through packet checks, map lookups, spills and ALU work, each with branches. */
function largeProgram(): Uint8Array {
  const out: RawInsn[] = [I(0xbf, 6, 1), I(0xb7, 0, 0, 0, 0), I(0x7b, 10, 6, -16)];
  const fwd: { at: number; to: 'next' | 'out' }[] = [];
  for (let b = 0; out.length < 3400; b++) {
    const start = out.length;
    const k = (b % 50) + 2;
    switch (b % 4) {
      case 0: // packet: bounds check, a byte, a compare
        out.push(I(0x61, 2, 6, 76), I(0x61, 3, 6, 80), I(0xbf, 4, 2), I(0x07, 4, 0, 0, k));
        fwd.push({ at: out.length, to: 'out' });
        out.push(I(0x2d, 4, 3), I(0x71, 5, 2, k - 1));
        fwd.push({ at: out.length, to: 'next' });
        out.push(I(0x15, 5, 0, 0, b & 0xff), I(0x0f, 0, 5));
        break;
      case 1: // map lookup with a null check and an update of the value
        out.push(I(0x7a, 10, 0, -8, b), I(0xbf, 2, 10), I(0x07, 2, 0, 0, -8), I(0x18, 1, 1, 0, 3), I(0, 0, 0, 0, 0), I(0x85, 0, 0, 0, 1));
        fwd.push({ at: out.length, to: 'next' });
        out.push(I(0x15, 0, 0, 0, 0), I(0x79, 7, 0, 0), I(0x07, 7, 0, 0, 1), I(0x7b, 0, 7, 0));
        break;
      case 2: // fill the context back, a helper, spill a result
        out.push(I(0x79, 1, 10, -16), I(0x85, 0, 0, 0, 7), I(0x7b, 10, 0, -24), I(0x79, 8, 10, -24));
        fwd.push({ at: out.length, to: 'next' });
        out.push(I(0x25, 8, 0, 0, 1000), I(0x77, 8, 0, 0, 3));
        break;
      default: // scalar work with a branch
        out.push(I(0x61, 9, 6, 0), I(0x57, 9, 0, 0, 0xff), I(0x27, 9, 0, 0, 3));
        fwd.push({ at: out.length, to: 'next' });
        out.push(I(0x35, 9, 0, 0, 100), I(0xb7, 0, 0, 0, 1));
    }
    for (const f of fwd) if (f.at >= start && f.to === 'next') out[f.at].off = out.length - f.at - 1;
  }
  const exitAt = out.length;
  out.push(I(0xb7, 0, 0, 0, 0), I(0x95));
  for (const f of fwd) if (f.to === 'out') out[f.at].off = exitAt - f.at - 1;
  return encodeProgram(out);
}

/** Best-of-rounds CPU milliseconds of one call of `fn`. */
function cpuMs(fn: () => void, rounds = 7): number {
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpu();
    fn();
    best = Math.min(best, cpu() - t0);
  }
  return best;
}

export default function main(): void {
  const rows: string[][] = [['what', 'analysis', 'ms']];
  const reqs = suite();
  if (reqs.length) {
    for (const analysis of [false, true]) {
      rows.push([`the 4.8 suite: ${reqs.length / 2} programs, privileged and unprivileged`, String(analysis), cpuMs(() => reqs.forEach((r) => verify(r, { analysis }))).toFixed(2)]);
    }
  } else rows.push(['the 4.8 suite: ../shared/verifier/tests.json not found', '', '']);
  const big = request(largeProgram(), { progType: ProgType.SchedCls, logSize: LOG_SIZE });
  const v = verify(big, { analysis: false });
  const label = `large tc program: ${big.bytes.length / 8} insns, ${v.log.match(/processed (\d+)/)?.[1] ?? '?'} visits, ${v.ok ? 'accepted' : 'refused'}`;
  for (const analysis of [false, true]) rows.push([label, String(analysis), cpuMs(() => verify(big, { analysis }), 5).toFixed(2)]);
  rows.push([`  the same without a log (log_level 0)`, 'false', cpuMs(() => verify({ ...big, logLevel: 0, logSize: 0, logBuf: false }, { analysis: false }), 5).toFixed(2)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}
