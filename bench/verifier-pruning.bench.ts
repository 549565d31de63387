/**
 * `npm run bench -- pruning`: programs made to reach 4.8's 65,536-instruction limit
 * (BPF_COMPLEXITY_LIMIT_INSNS, refused with E2BIG) through many paths that meet at pruning points
 * with states that cover each other only sometimes: the worst case of the pruning search
 * (src/verifier/prune.ts). Each is verified with the log at level 1, without and with the IDE's
 * analysis; CPU time, best of three rounds. Beside it, the host kernel's own verification time
 * for the same program where the host answers (a 6.x verifier with other limits and pruning, so
 * only indicative). Target (issue 14): no program reaches the limit in more than 1 s.
 */
import { askHost, OracleFailure } from '../src/cli/host-kernel';
import { encodeProgram, Errno, ProgType, slotsToHex, type RawInsn } from '../src/isa';
import { verify } from '../src/verifier';
import { request } from '../test/verifier/support';

const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });
const JGT = 0x25;
const STX_DW = 0x7b;
const ST_DW = 0x7a;
const ST_B = 0x72;
const MOV_IMM = 0xb7;
const JA = 0x05;
const EXIT = 0x95;

/** r6, r7: unknowns from the context; the body; r0 = r6 & 0xff; exit. */
function program(body: RawInsn[]): Uint8Array {
  return encodeProgram([I(0x61, 6, 1, 0), I(0x61, 7, 1, 8), ...body, I(0xbf, 0, 6), I(0x57, 0, 0, 0, 0xff), I(EXIT)]);
}

/** `n` branches, each skipping the slots `piece(i)` gives (or its first `skip` slots). */
const branches = (n: number, piece: (i: number) => RawInsn[], skip?: number): RawInsn[] =>
  Array.from({ length: n }, (_, i) => {
    const p = piece(i);
    return [I(JGT, 6, 0, skip ?? p.length, i), ...p];
  }).flat();

const FAMILIES: { name: string; bytes: Uint8Array }[] = [
  // issue 14's reproducer: every subset of 24 spilled slots
  { name: '24 branches, each skipping a u64 store to its own slot', bytes: program(branches(24, (i) => [I(STX_DW, 10, 7, -8 * (i + 1))])) },
  // no path covers another: each slot holds a spilled pointer on one side, data on the other
  { name: '24 branches, a slot spilled on one side and data on the other', bytes: program(branches(24, (i) => [I(STX_DW, 10, 1, -8 * (i + 1)), I(JA, 0, 0, 1), I(ST_DW, 10, 0, -8 * (i + 1), 0)], 2)) },
  // bytes inside three slots: many different written masks per slot
  { name: '24 branches, each skipping a u8 store to its own byte', bytes: program(branches(24, (i) => [I(ST_B, 10, 0, -(i + 1), 0)])) },
  // registers that differ: constants in r2..r5, and stores
  { name: '24 branches, constants in 4 registers and stores', bytes: program(branches(24, (i) => (i % 2 ? [I(MOV_IMM, 2 + (i % 4), 0, 0, i)] : [I(STX_DW, 10, 7, -8 * ((i % 12) + 1))]))) },
  // the deepest trie: 48 slots, half of them written on every path, the other half per branch
  { name: '20 branches over 20 slots after 28 slots written on every path', bytes: program([...Array.from({ length: 28 }, (_, i) => I(STX_DW, 10, 7, -8 * (i + 21))), ...branches(20, (i) => [I(STX_DW, 10, 7, -8 * (i + 1))])]) },
];

function cpuMs(fn: () => void, rounds = 3): number {
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpu();
    fn();
    best = Math.min(best, cpu() - t0);
  }
  return best;
}

/** The host verifier's milliseconds per program (log_level 4 "verification time"), or why none. */
function hostTimes(): (number | string)[] {
  const reqs = FAMILIES.map((f) => ({ prog_type: 'socket_filter', insns: slotsToHex(f.bytes), log_level: 4, log_size: 1 << 20 }));
  try {
    const r = askHost(reqs);
    if (!r.available) return FAMILIES.map(() => `no host kernel: ${r.why}`);
    return r.answers.map((a) => {
      if ('request_error' in a) return `request_error: ${a.request_error.split('\n')[0]}`;
      const us = /verification time (\d+) usec/.exec(a.load.log)?.[1];
      return us === undefined ? 'no time in the host log' : Number(us) / 1000;
    });
  } catch (e) {
    if (e instanceof OracleFailure) return FAMILIES.map(() => `kernel oracle failed: ${e.message.split('\n')[0]}`);
    throw e;
  }
}

export default function main(): void {
  const host = hostTimes();
  const rows: string[][] = [['program', 'insns', 'verdict', 'ms', 'ms with analysis', 'host kernel ms', 'bpflab/kernel']];
  let worst = { ms: 0, name: '' };
  FAMILIES.forEach((f, k) => {
    const req = request(f.bytes, { progType: ProgType.SocketFilter, logLevel: 1, logSize: (1 << 24) - 1 });
    const v = verify(req, { analysis: false });
    const verdict = v.errno === Errno.E2BIG ? 'E2BIG at the limit' : v.ok ? 'accepted' : `errno ${v.errno}`;
    const ms = cpuMs(() => verify(req, { analysis: false }));
    const withAnalysis = cpuMs(() => verify(req, { analysis: true }));
    if (v.errno === Errno.E2BIG && Math.max(ms, withAnalysis) > worst.ms) worst = { ms: Math.max(ms, withAnalysis), name: f.name };
    const h = host[k];
    rows.push([f.name, String(f.bytes.length / 8), verdict, ms.toFixed(0), withAnalysis.toFixed(0), typeof h === 'number' ? h.toFixed(1) : h, typeof h === 'number' && h > 0 ? `${(ms / h).toFixed(1)}x` : '']);
  });
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log(`target: no program reaches the 65,536-instruction limit in more than 1 s: worst ${worst.ms.toFixed(0)} ms (${worst.name}): ${worst.ms <= 1000 ? 'met' : 'NOT met'}`);
}
