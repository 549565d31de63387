/**
 * "Show me a run": for a program the verifier refused because of a value, a concrete input
 * (packet bytes and length, context bytes, map contents) that makes the interpreter, with
 * verification off, follow the verifier's refused path to the refused instruction and do there
 * what the verifier prevented. Concolic search: run a candidate, find where it leaves the path,
 * solve that branch the other way while keeping the ones before it (solve.ts), run again. Gives
 * up, saying why, when a branch does not depend on the input, no edit turns it, or time is out.
 *
 * A purpose-built search rather than an SMT solver: z3-solver's WebAssembly build is about 35 MB
 * (8 MB gzip) and needs SharedArrayBuffer, so a cross-origin-isolated page, which a static host
 * cannot promise (docs/verifier.md has the measurements).
 */
import { PT_REGS, SK_BUFF, ProgType, hexToBytes } from '../../isa';
import { checkFrame, MAX_FRAME, MIN_FRAME } from '../../kernel/skb';
import type { Program } from '../../program';
import type { RunSearchMap, RunSearchResult } from '../../protocol';
import type { VerifierAnalysis } from '../../verifier';
import { errorVisit, trailOf } from '../trail';
import { goal, isKernelAddress, outcome, packetAccessEnd, predict, type Prediction } from './predict';
import type { StepEvent } from '../../vm';
import { Rig, valuation, type Candidate, type Trace } from './rig';
import { applyEdits, holds, solve, type SolveEnv, type Want } from './solve';
import { evaluate, leavesOf, type Sym } from './sym';

interface SearchOptions {
  /** milliseconds the search may take */
  timeMs: number;
  /** the frame to start from */
  packet: Uint8Array;
  /** the simulated world's seed */
  seed?: number;
}

/** At most this many candidates are run, whatever the time allowed. */
const MAX_RUNS = 2000;

const NOT_A_VALUE = 'this refusal is about the program itself, not about a value at run time: no input changes it';

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const PACKET_TYPES: readonly number[] = [ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp];

/** A neutral EtherType (IEEE 802 local experimental): the test run asks no minimum length of it. */
const NEUTRAL_ETHERTYPE = [0x88, 0xb5];

/**
 * The candidate as BPF_PROG_TEST_RUN takes it: a frame too short for its EtherType (IPv4 needs
 * 34 bytes, IPv6 54) gets a neutral EtherType (the solver then checks the conditions again).
 */
function admitFrame(c: Candidate): Candidate | null {
  if (!c.packet || !checkFrame(c.packet)) return c;
  const fixed = { ...c, packet: c.packet.slice() };
  fixed.packet.set(NEUTRAL_ETHERTYPE, 12);
  return checkFrame(fixed.packet) ? null : fixed;
}

/** The map contents of `c` as differences from the declared ones. */
function mapsDiff(c: Candidate, declared: Candidate['maps']): RunSearchMap[] {
  const out: RunSearchMap[] = [];
  // the keys are bytesToHex's (rig.ts), so always hex
  const hex = (h: string): Uint8Array => hexToBytes(h) ?? new Uint8Array(0);
  for (const [name, want] of c.maps) {
    const had = declared.get(name) ?? new Map<string, Uint8Array>();
    const entries = [...want].filter(([k, v]) => !had.has(k) || had.get(k)!.some((b, i) => b !== v[i])).map(([k, v]) => ({ key: hex(k), value: v.slice() }));
    const deleted = [...had.keys()].filter((k) => !want.has(k)).map(hex);
    if (entries.length || deleted.length) out.push({ name, entries, deleted });
  }
  return out;
}

/** The wants of a run that left the trail after step `d`: the conditions before it as they were, that one turned. */
function wantsAt(t: Trace, d: number): Want[] | null {
  const cs = t.shadow.constraints;
  const turn = cs.find((c) => c.step === d);
  if (!turn) return null;
  const wants: Want[] = cs.filter((c) => c.step < d).map((c) => ({ c, taken: c.taken }));
  // LD_ABS/LD_IND must stay in the packet; a branch must go the trail's way (the other way than it went)
  wants.push({ c: turn, taken: turn.kind === 'ld_abs' ? true : !turn.taken });
  return wants;
}

/** Searches an input for the refused path of `a` (the analysis of `program` loaded as `progType`). */
export function searchRun(program: Program, a: VerifierAnalysis, progType: number, opts: SearchOptions): RunSearchResult {
  const started = Date.now();
  const deadline = started + opts.timeMs;
  const ev = errorVisit(a);
  const result = (r: Partial<RunSearchResult>): RunSearchResult => ({ found: false, refusal: null, trail: [], runs: 0, ms: Date.now() - started, ...r });
  if (a.ok) return result({ reason: 'the verifier accepted this program: there is no refused instruction to reach' });
  if (ev === undefined || !a.error || a.error.pc === null) return result({ reason: a.error ? `${NOT_A_VALUE} ("${a.error.message}")` : NOT_A_VALUE });
  const trail = trailOf(a, ev).map((v) => a.visits[v].pc);
  const p = predict(a.error.message);
  const refusal = { pc: a.error.pc, message: a.error.message, predicted: p?.what ?? 'nothing a run can show' };
  if (!p) return result({ refusal, trail, reason: `${NOT_A_VALUE} ("${a.error.message}")` });
  const rig = Rig.build(program, progType, opts.seed ?? 1);
  if (typeof rig === 'string') return result({ refusal, trail, reason: rig });
  const env: SolveEnv = {
    minLen: MIN_FRAME,
    maxLen: MAX_FRAME,
    ctxSize: progType === ProgType.Kprobe ? PT_REGS.size : (rig.defaultCtx()?.length ?? SK_BUFF.size),
    valueSize: new Map([...rig.mapInfo.values()].map((m) => [m.name, m.valueSize])),
    random: xorshift(opts.seed ?? 1),
    admit: admitFrame,
  };
  let cand: Candidate = { packet: PACKET_TYPES.includes(progType) ? opts.packet.slice() : null, ctx: rig.defaultCtx(), maps: rig.declared };
  const found = loop(rig, trail, p, cand, env, deadline, opts.timeMs);
  cand = found.cand;
  const done = { refusal, trail, runs: found.runs, ms: Date.now() - started };
  if (!found.ok) return result({ ...done, reason: found.reason });
  const input: RunSearchResult['input'] = { maps: mapsDiff(cand, rig.declared) };
  if (cand.packet) input.packet = cand.packet;
  if (cand.ctx) input.ctx = cand.ctx;
  return { found: true, ...done, input, outcome: found.outcome };
}

/** Why a jump cannot go the other way: it compares a kernel address, which no input changes. */
function pointerTest(ev: StepEvent | undefined, before: readonly bigint[]): string | undefined {
  const insn = ev?.insn;
  if (insn?.kind !== 'jcond') return undefined;
  const regs = insn.useSrc ? [insn.dst, insn.src] : [insn.dst];
  const r = regs.find((x) => isKernelAddress(before[x]));
  if (r === undefined) return undefined;
  return `it tests r${r}, a kernel address (0x${before[r].toString(16)}) that no input changes, so every run goes the same way. The verifier does not know addresses and explored both ways`;
}

/** The shortest frame that keeps `wants` (the conditions on the way), if any does. */
function shortestPacket(wants: readonly Want[], c: Candidate, env: SolveEnv): number | undefined {
  for (let n = env.minLen; n <= env.maxLen; n++) {
    const x = env.admit(applyEdits(c, new Map([['len', BigInt(n)]]), env));
    if (x && wants.every((w) => holds(w, x))) return n;
  }
  return undefined;
}

/** Why a lookup in `s` can never return NULL: a constant key inside an array. */
function alwaysFound(s: Sym, c: Candidate): string | undefined {
  for (const l of leavesOf(s).lookups) {
    if (l.t !== 'lookup' || l.hash || leavesOf(l.key).ids.size) continue;
    const key = evaluate(l.key, valuation(c));
    if (key < BigInt(l.maxEntries)) {
      return `the lookup in map ${l.map} uses the constant key ${key}, inside the array's ${l.maxEntries} element${l.maxEntries === 1 ? '' : 's'}: it always finds one and never returns NULL, so no run can fault here. 4.8's verifier does not know that: it refuses every lookup result used before its NULL check`;
    }
  }
  return undefined;
}

type Looped = { ok: true; cand: Candidate; runs: number; outcome: string } | { ok: false; cand: Candidate; runs: number; reason: string };

/** Runs candidates, turning the first branch that leaves the trail each time, until the prediction happens. */
function loop(rig: Rig, trail: readonly number[], p: Prediction, start: Candidate, env: SolveEnv, deadline: number, timeMs: number): Looped {
  let cand = start;
  let runs = 0;
  const fail = (reason: string): Looped => ({ ok: false, cand, runs, reason });
  for (;;) {
    if (Date.now() > deadline) return fail(`no input found in the time allowed (${timeMs} ms, ${runs} runs)`);
    if (runs >= MAX_RUNS) return fail(`no input found in ${MAX_RUNS} runs: the search gave up`);
    const t = rig.run(cand, trail);
    runs++;
    if (t.refused) return fail(`the kernel refused a run input: ${t.refused}`);
    let wants: Want[] | null;
    if (t.followed === trail.length) {
      const last = t.events[t.events.length - 1];
      const before = t.before;
      const o = outcome(p, last, before, t.events.slice(0, -1));
      if (o.ok) return { ok: true, cand, runs, outcome: o.text };
      const g = goal(p, last, before, t.shadow, t.followed - 1, t.pktBase);
      if (!g) return fail(`the run reached instruction ${last.pcBefore} along the refused path, but ${o.text}`);
      wants = [...t.shadow.constraints.filter((c) => c.step < t.followed - 1).map((c) => ({ c, taken: c.taken })), { c: g, taken: true }];
    } else {
      const d = t.followed - 1;
      wants = d >= 0 ? wantsAt(t, d) : null;
      if (!wants) {
        const pc = d >= 0 ? trail[d] : 0;
        const fixed = pointerTest(t.events[d], t.before);
        if (fixed) return fail(`at instruction ${pc} the run went to ${t.events[d].pcAfter}, not ${trail[d + 1]}: ${fixed}`);
        const how = t.stop ? `stopped there (${t.stop.kind === 'fault' ? t.stop.message : t.stop.kind})` : `went to ${t.events[d]?.pcAfter ?? '?'} instead of ${trail[d + 1]}`;
        return fail(`at instruction ${pc} the run ${how}, and no input the search controls (packet, context, maps) changes that: the values it depends on are the same on every run`);
      }
    }
    const next = solve(wants, cand, env, deadline);
    if (!next) {
      const target = wants[wants.length - 1].c;
      const always = alwaysFound(target.a, cand);
      if (always) return fail(always);
      const last = t.events[t.events.length - 1];
      const end = target.step === trail.length - 1 && last ? packetAccessEnd(last, t.before, t.pktBase) : undefined;
      if (end !== undefined) {
        const least = shortestPacket(wants.slice(0, -1), cand, env);
        if (least !== undefined && end <= least) {
          const why = least === MIN_FRAME ? `every packet a test run takes has at least ${MIN_FRAME} bytes (its Ethernet header)` : `on this path every packet has at least ${least} bytes (the conditions before it)`;
          return fail(`the access ends at byte ${end} of the packet, and ${why}: no run reads past the end here, though the verifier could not prove it`);
        }
      }
      const what = target.step === trail.length - 1 ? `makes the refused instruction ${target.pc} do what the verifier prevented` : `takes the branch at instruction ${target.pc} the refused path's way (keeping the branches before it)`;
      return fail(Date.now() > deadline ? `no input found in the time allowed (${timeMs} ms, ${runs} runs): none tried ${what}` : `no input ${what}`);
    }
    cand = next;
  }
}
