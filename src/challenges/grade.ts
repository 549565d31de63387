/**
 * Grades a learner's program against a challenge: assembles it, loads it through the 4.8
 * verifier as the challenge says (program type, privilege), and checks each goal by running the
 * interpreter on the goal's hidden inputs in a fresh seeded kernel. A failed goal says what went
 * wrong in words (which kind of input, what r0 was, what the map held), never the input's bytes.
 */
import { assemble } from '../asm';
import { byName, bytesToHex, errnoName, hexToBytes, MapType, PROG_TYPE_NAMES } from '../isa';
import type { Syntax } from '../protocol';
import { Kernel } from '../kernel/kernel';
import { createDeclaredMaps, loadDeclared } from '../kernel/loader';
import { prepareRun } from '../kernel/run';
import type { LoadedProg } from '../kernel/types';
import { challengeById, type Challenge } from '../lessons/challenges';
import type { Program } from '../program';
import type { GoalResult, GradeResult } from '../protocol';
import { progLoad } from '../verifier';
import { Machine } from '../vm';
import { CHECKS, type Check, type HexEntry } from './checks';
import type { HiddenInput } from './inputs';

/** Instructions one graded run may execute (a verified 4.8 program runs far fewer). */
const RUN_BUDGET = 1_000_000;

/** A fresh kernel with the program's maps and the program loaded through the verifier, or why it did not load. */
interface Loaded {
  k: Kernel;
  prog: LoadedProg;
  fds: Map<string, number>;
}

function loadFresh(c: Challenge, p: Program, progType: number): Loaded | string {
  const k = new Kernel({ seed: 1, verifier: progLoad });
  const fds = createDeclaredMaps(k, p);
  if (typeof fds === 'string') return fds;
  k.privileged = c.privileged;
  const r = loadDeclared(k, p, fds, progType, 1 << 20);
  k.privileged = true;
  if (!r.ok) return `the verifier refused it (${errnoName(r.errno)}: ${r.log.trimEnd().split('\n').at(-1) ?? ''})`;
  return { k, prog: k.progOfFd(r.value)!, fds };
}

interface Ran {
  retval: number;
  dataOut: string | null;
  redirect: { ifindex: number; ingress: boolean } | null;
}

/** One run of the loaded program on a hidden input; a string says why it did not end normally. */
function runOn(l: Loaded, input: HiddenInput): Ran | string {
  const prep = prepareRun(l.k, l.prog, {
    data: input.packet ? hexToBytes(input.packet) : undefined,
    ctx: input.ctx ? hexToBytes(input.ctx) : undefined,
    tracepoint: input.tracepoint?.name,
    tracepointFields: input.tracepoint?.fields,
  });
  if (!prep.ok) return `the kernel refused the input (${prep.message})`;
  const m = new Machine(prep.host, l.prog, prep.init, { budget: RUN_BUDGET });
  try {
    const stop = m.run();
    prep.retire(m.stepCount);
    if (stop.kind === 'fault') return `the run faulted: ${stop.message}`;
    if (stop.kind !== 'exit') return 'the run did not end';
    const out = prep.finish(stop.r0);
    return { retval: out.retval, dataOut: out.dataOut ? bytesToHex(out.dataOut) : null, redirect: out.redirect };
  } finally {
    m.dispose();
    prep.dispose();
  }
}

const hex32 = (n: number): string => (n > 9 ? `${n} (0x${n.toString(16)})` : String(n));

/** The map's elements as the run left them (arrays: only the non-zero ones). */
function dump(l: Loaded, name: string): HexEntry[] | undefined {
  const fd = l.fds.get(name);
  const map = fd === undefined ? undefined : l.k.mapOfFd(fd);
  if (!map) return undefined;
  const out: HexEntry[] = [];
  for (const e of map.entries()) {
    if (e.value.every((b) => b === 0) && (map.mapType === MapType.Array || map.mapType === MapType.PercpuArray)) continue;
    out.push({ key: bytesToHex(e.key), value: bytesToHex(e.value) });
  }
  return out.sort((x, y) => x.key.localeCompare(y.key));
}

const entriesText = (es: readonly HexEntry[]): string => (es.length ? es.map((e) => `${e.key} → ${e.value}`).join(', ') : 'nothing');

/** Checks one goal; the detail says what happened. */
function checkGoal(c: Challenge, p: Program, progType: number, check: Check): { pass: boolean; detail: string } {
  if (check.kind === 'accepted') {
    const l = loadFresh(c, p, progType);
    return typeof l === 'string' ? { pass: false, detail: l } : { pass: true, detail: 'loaded' };
  }
  if (check.kind === 'retval' || check.kind === 'packet' || check.kind === 'redirect') {
    const cases = casesOf(check);
    for (const one of cases) {
      const l = loadFresh(c, p, progType);
      if (typeof l === 'string') return { pass: false, detail: l };
      const ran = runOn(l, one.input);
      if (typeof ran === 'string') return { pass: false, detail: `for ${one.input.about}, ${ran}` };
      const bad = one.problem(ran);
      if (bad) return { pass: false, detail: `for ${one.input.about}, ${bad}` };
    }
    return { pass: true, detail: `right for all ${cases.length} inputs` };
  }
  const l = loadFresh(c, p, progType);
  if (typeof l === 'string') return { pass: false, detail: l };
  if (check.kind === 'trace') {
    const ran = runOn(l, check.input);
    if (typeof ran === 'string') return { pass: false, detail: `for ${check.input.about}, ${ran}` };
    const want = check.contains(l.k.world);
    const lines = l.k.trace.read();
    if (lines.some((x) => x.includes(want))) return { pass: true, detail: `trace_pipe shows "${want}"` };
    return { pass: false, detail: lines.length ? `trace_pipe shows "${lines[0].trim()}", not "${want}"` : 'nothing was printed to trace_pipe' };
  }
  for (const input of check.inputs) {
    const ran = runOn(l, input);
    if (typeof ran === 'string') return { pass: false, detail: `for ${input.about}, ${ran}` };
  }
  const got = dump(l, check.map);
  if (!got) return { pass: false, detail: `the program has no map named ${check.map} (keep the challenge's .map line)` };
  const want = [...check.entries].sort((x, y) => x.key.localeCompare(y.key));
  if (entriesText(got) === entriesText(want)) return { pass: true, detail: `${check.map} holds the right counts after ${check.inputs.length} packets` };
  return { pass: false, detail: `after ${check.inputs.length} hidden inputs ${check.map} holds ${entriesText(got)} (key → value, hex), which is not right` };
}

/** The runs of a retval, packet or redirect check, each with what would be wrong with its result. */
function casesOf(check: Extract<Check, { kind: 'retval' | 'packet' | 'redirect' }>): { input: HiddenInput; problem: (ran: Ran) => string | undefined }[] {
  switch (check.kind) {
    case 'retval':
      return check.cases.map((c) => ({
        input: c.input,
        problem: (ran) => {
          const want = typeof c.retval === 'function' ? c.retval(c.input) : c.retval;
          return ran.retval === want ? undefined : `r0 was ${hex32(ran.retval)}, not ${hex32(want)}`;
        },
      }));
    case 'packet':
      return check.cases.map((c) => ({
        input: c.input,
        problem: (ran) => (ran.dataOut === c.dataOut(c.input.packet!) ? undefined : 'the packet that left is not the expected one'),
      }));
    case 'redirect':
      return check.cases.map((c) => ({
        input: c.input,
        problem: (ran) => {
          if (ran.retval !== 7) return `r0 was ${hex32(ran.retval)}, not TC_ACT_REDIRECT (7)`;
          const r = ran.redirect;
          if (!r || r.ifindex !== c.ifindex || r.ingress) return `it was redirected to ${r ? `ifindex ${r.ifindex}${r.ingress ? ' (ingress)' : ''}` : 'nowhere'}, not to ifindex ${c.ifindex} (egress)`;
          return undefined;
        },
      }));
  }
}

/** Grades `text` against challenge `id`; undefined for an unknown challenge. */
export function gradeChallenge(id: string, text: string, syntax: Syntax = 'auto'): GradeResult | undefined {
  const c = challengeById(id);
  const checks = CHECKS[id];
  if (!c || !checks) return undefined;
  const all = (detail: string): GradeResult => ({ id, passed: false, goals: c.goals.map((g) => ({ id: g.id, text: g.text, pass: false, detail })) });
  const asm = assemble(text, { syntax });
  if (!asm.ok) {
    const d = asm.diagnostics.find((x) => x.severity === 'error') ?? asm.diagnostics[0];
    return all(`the program does not assemble (line ${d?.line}: ${d?.message})`);
  }
  const p = asm.program;
  const want = byName(PROG_TYPE_NAMES, c.progType)!;
  const progType = p.directives.progType ?? want;
  if (progType !== want) return all(`this challenge needs a ${c.progType} program (.type ${c.progType})`);
  const goals: GoalResult[] = c.goals.map((g) => {
    const check = checks[g.id];
    const r = check ? checkGoal(c, p, progType, check) : { pass: false, detail: 'this goal has no check (a bug in the challenge)' };
    return { id: g.id, text: g.text, ...r };
  });
  return { id, passed: goals.every((g) => g.pass), goals };
}
