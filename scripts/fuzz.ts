/**
 * `npm run fuzz`: the verifier's soundness property for longer than CI runs it. Random programs
 * (test/verifier/gen.ts) are verified, and every accepted one is run by the interpreter on random
 * packets and map contents; a memory fault is a counterexample (a bug in the verifier or the VM).
 *
 *   npm run fuzz                      100,000 programs from a random seed
 *   npm run fuzz -- 1000000 42        a count and a seed
 *
 * Prints progress, the verifier's refusals by message, and each counterexample with its seed and
 * program; exits 1 if there was any.
 */
import { runProperty } from '../test/verifier/soundness';

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 0x7fffffff));
const BATCH = 10_000;

console.log(`fuzz: ${count} programs from seed ${seed}`);
const t0 = performance.now();
let accepted = 0;
let refused = 0;
const failures: string[] = [];
const messages = new Map<string, number>();
for (let done = 0; done < count; done += BATCH) {
  const n = Math.min(BATCH, count - done);
  const r = runProperty((seed + done * 0x9e3779b1) >>> 0, n);
  accepted += r.accepted;
  refused += r.refused;
  failures.push(...r.failures);
  for (const [m, c] of r.messages) messages.set(m, (messages.get(m) ?? 0) + c);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`  ${done + n} programs, ${accepted} accepted, ${failures.length} counterexamples, ${secs}s`);
  for (const f of r.failures) console.log(`  COUNTEREXAMPLE ${f}`);
}
console.log('\nrefusals by message:');
for (const [m, c] of [...messages].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${String(c).padStart(7)}  ${m}`);
console.log(`\n${accepted} accepted, ${refused} refused, ${failures.length} counterexamples`);
process.exitCode = failures.length ? 1 : 0;
