/**
 * The soundness property (issue 5 item 6): whenever the verifier accepts a random program, the
 * interpreter runs it on random packets and map contents without a memory fault. One world per
 * (program type, privilege): a kernel with this verifier injected and a few maps; each program
 * is loaded through PROG_LOAD, run on fresh random inputs, then closed.
 * Shared by the CI test (test/verifier/soundness.test.ts) and `npm run fuzz` (scripts/fuzz.ts).
 */
import { Cmd, LINUX_VERSION_CODE, MapType, ProgType, bytesToHex, slotsToHex } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { prepareRun } from '../../src/kernel/run';
import { verify } from '../../src/verifier';
import { Machine } from '../../src/vm';
import { generate, Rng, type GenMap, type GenProgram } from './gen';

export interface World {
  k: Kernel;
  /** user space's log buffer, reused */
  logBuf: Uint8Array;
  maps: GenMap[];
  progType: number;
  privileged: boolean;
}

/** The kinds of programs the property covers, with their weights. */
export const WORLDS: readonly { progType: number; privileged: boolean; weight: number }[] = [
  { progType: ProgType.SocketFilter, privileged: true, weight: 3 },
  { progType: ProgType.SocketFilter, privileged: false, weight: 3 },
  { progType: ProgType.SchedCls, privileged: true, weight: 3 },
  { progType: ProgType.Xdp, privileged: true, weight: 2 },
  { progType: ProgType.Kprobe, privileged: true, weight: 1 },
  { progType: ProgType.Tracepoint, privileged: true, weight: 1 },
];

/** The maps each world creates (the differential test fakes the same ones). */
export const MAP_SPECS = [
  { name: 'h8', type: MapType.Hash, keySize: 8, valueSize: 8, maxEntries: 16 },
  { name: 'a16', type: MapType.Array, keySize: 4, valueSize: 16, maxEntries: 4 },
  { name: 'ph12', type: MapType.PercpuHash, keySize: 4, valueSize: 12, maxEntries: 8 },
  { name: 'progs', type: MapType.ProgArray, keySize: 4, valueSize: 4, maxEntries: 4 },
];

export function makeWorld(progType: number, privileged: boolean): World {
  const k = new Kernel({ privileged, seed: 1 });
  const maps: GenMap[] = [];
  for (const s of MAP_SPECS) {
    const r = k.bpf(Cmd.MAP_CREATE, { mapType: s.type, keySize: s.keySize, valueSize: s.valueSize, maxEntries: s.maxEntries, name: s.name });
    if (r.ok) maps.push({ fd: r.value, ...s });
  }
  // the property needs the verdict only; the analysis is tested elsewhere
  k.verifier = (req) => verify(req, { analysis: false });
  return { k, logBuf: new Uint8Array(1 << 16), maps, progType, privileged };
}

/** Fills the generic maps with random entries for keys 0..3 (some left out). */
export function randomizeMaps(w: World, rng: Rng): void {
  for (const m of w.maps) {
    if (m.type === MapType.ProgArray) continue;
    for (let key = 0; key < 4; key++) {
      const kb = new Uint8Array(m.keySize);
      kb[0] = key;
      if (rng.chance(0.7)) w.k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: m.fd, key: kb, value: rng.bytes(m.valueSize * (m.type === MapType.PercpuHash ? 2 : 1)) });
      else if (m.type === MapType.Hash || m.type === MapType.PercpuHash) w.k.bpf(Cmd.MAP_DELETE_ELEM, { mapFd: m.fd, key: kb });
    }
  }
}

/** A random Ethernet frame that the test run accepts (an ethertype without length rules). */
export function randomFrame(rng: Rng): Uint8Array {
  const f = rng.bytes(14 + rng.int(120));
  f[12] = 0x88;
  f[13] = 0xb5;
  return f;
}

/** What a kernel shows after runs: every map of `mapFds` (key=value in hex), trace_pipe, the clock and the PRNG. */
export function kernelState(k: Kernel, mapFds: readonly number[]): { maps: string[][]; trace: string[]; clock: bigint; prng: number } {
  const maps = mapFds.map((fd) => [...k.mapOfFd(fd)!.entries()].map((e) => `${bytesToHex(e.key)}=${bytesToHex(e.value)}`));
  return { maps, trace: k.trace.read(), clock: k.world.clockNs, prng: k.world.nextRandom32() };
}

/**
 * 4.8's interpreter divides a 32-bit ALU operation by the low half of the source after testing
 * all 64 bits for zero, and the kernel crashes on a zero low half (fixed in 4.15). The verifier
 * never looked at divisors, so this is not a verifier hole; the VM reports it as such a crash.
 */
export const isLinux48Crash = (message: string): boolean => message.startsWith('division by zero: Linux 4.8');

interface Outcome {
  accepted: boolean;
  /** the verifier's message when refused */
  message?: string;
  /** set when an accepted program faulted: the counterexample */
  fault?: string;
  prog: GenProgram;
}

/** Generates, loads and (if accepted) runs program `seed` in world `w`. */
export function checkOne(w: World, seed: number, runs = 2): Outcome {
  const prog = generate(seed, { progType: w.progType, privileged: w.privileged, maps: w.maps, mode: 'sound' });
  const load = w.k.bpf(Cmd.PROG_LOAD, {
    progType: w.progType,
    insns: prog.bytes,
    license: 'GPL',
    kernVersion: LINUX_VERSION_CODE,
    logLevel: 1,
    logSize: w.logBuf.length,
    logBuf: w.logBuf,
  });
  if (!load.ok) return { accepted: false, message: load.log.trimEnd().split('\n').pop(), prog };
  const rng = new Rng(seed ^ 0x5eed);
  const loaded = w.k.progOfFd(load.value)!;
  try {
    for (let i = 0; i < runs; i++) {
      randomizeMaps(w, rng);
      const run = prepareRun(w.k, loaded, { data: randomFrame(rng) });
      if (!run.ok) return { accepted: true, fault: `run refused: ${run.message}`, prog };
      try {
        const r = new Machine(run.host, loaded, run.init, { budget: 200_000 }).run();
        if (r.kind === 'fault' && !isLinux48Crash(r.message)) return { accepted: true, fault: `${r.message} at pc ${r.pc}`, prog };
      } finally {
        run.dispose();
      }
    }
  } finally {
    w.k.close(load.value);
  }
  return { accepted: true, prog };
}

/** Describes a counterexample for a report: world, seed, program hex. */
function describe(w: World, seed: number, o: Outcome): string {
  return `type ${w.progType} ${w.privileged ? 'priv' : 'unpriv'} seed ${seed}: ${o.fault}\n  ${slotsToHex(o.prog.bytes).join(' ')}`;
}

/** Runs `count` programs from `seed` over the worlds by weight; returns the tallies and the counterexamples. */
export function runProperty(seed: number, count: number): { accepted: number; refused: number; failures: string[]; messages: Map<string, number> } {
  const worlds = WORLDS.map((x) => ({ ...x, w: makeWorld(x.progType, x.privileged) }));
  const total = worlds.reduce((n, x) => n + x.weight, 0);
  const failures: string[] = [];
  const messages = new Map<string, number>();
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const s = (seed + i * 0x9e3779b1) >>> 0;
    let pick = s % total;
    const x = worlds.find((c) => (pick -= c.weight) < 0)!;
    const o = checkOne(x.w, s);
    if (o.accepted) accepted++;
    else {
      refused++;
      const key = (o.message ?? '').replace(/-?\d+/g, 'N');
      messages.set(key, (messages.get(key) ?? 0) + 1);
    }
    if (o.fault) failures.push(describe(x.w, s, o));
  }
  return { accepted, refused, failures, messages };
}
