/**
 * The input search on random programs the 4.8 verifier refuses (the verifier tests' generator):
 * it never throws; every input it reports found is replayed here, independently, in a fresh
 * kernel with the program loaded without the verifier, and follows the refused path through the
 * refused instruction; every failure says why in one of the ways the search knows.
 */
import { expect, test } from 'vitest';
import { searchRun } from '../../src/insight';
import { Cmd, hexToBytes, readRaw, writeRaw } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import { prepareRun } from '../../src/kernel/run';
import { programFromBytes, type MapDecl } from '../../src/program';
import type { RunSearchResult } from '../../src/protocol';
import { SAMPLE_PACKETS } from '../../src/lessons';
import { verify } from '../../src/verifier';
import { Machine } from '../../src/vm';
import { generate } from '../verifier/gen';
import { MAP_SPECS, WORLDS } from '../verifier/soundness';

const PROGRAMS = 160;
const PACKET = hexToBytes(SAMPLE_PACKETS[0].hex)!;

const REASONS = [
  /about the program itself, not about a value/,
  /the interpreter refuses to run it unverified/,
  /it tests r\d+, a kernel address/,
  /no input the search controls .* changes that/,
  /the access ends at byte \d+ of the packet, and/,
  /uses the constant key \d+, inside the array/,
  /no input (makes|takes) /,
  /no input found in the time allowed/,
];

/** The program in a fresh kernel: maps created with the search's contents, loaded without the verifier. */
function replay(bytes: Uint8Array, fixups: { insn: number; map: string }[], progType: number, r: RunSearchResult): number {
  const k = new Kernel({ seed: 7 });
  const fds = new Map<string, number>();
  for (const s of MAP_SPECS) {
    const m = k.bpf(Cmd.MAP_CREATE, { mapType: s.type, keySize: s.keySize, valueSize: s.valueSize, maxEntries: s.maxEntries, name: s.name });
    if (!m.ok) throw new Error('map');
    fds.set(s.name, m.value);
    for (const e of r.input?.maps.find((x) => x.name === s.name)?.entries ?? []) {
      const value = new Uint8Array(k.mapOfFd(m.value)!.userValueSize);
      for (let at = 0; at + e.value.length <= value.length; at += Math.ceil(s.valueSize / 8) * 8) value.set(e.value, at);
      expect(k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: m.value, key: e.key, value }).ok).toBe(true);
    }
  }
  const insns = bytes.slice();
  for (const f of fixups) writeRaw(insns, f.insn, { ...readRaw(insns, f.insn), src: 1, imm: fds.get(f.map)! });
  const loaded = k.bpf(Cmd.PROG_LOAD, { progType, insns, license: 'GPL', logLevel: 0, logSize: 0, logBuf: null, kernVersion: 0x040800 });
  if (!loaded.ok) throw new Error(`load: ${loaded.errno}`);
  const prog = k.progOfFd(loaded.value)!;
  const prep = prepareRun(k, prog, { data: r.input?.packet, ctx: r.input?.ctx });
  if (!prep.ok) throw new Error(prep.message);
  const m = new Machine(prep.host, prog, prep.init);
  let i = 0;
  while (i < r.trail.length && m.pc === r.trail[i] && !m.stopped) {
    m.step();
    i++;
  }
  return i;
}

test(`${PROGRAMS} random refused programs: found inputs replay along the refused path, failures say why`, () => {
  let found = 0;
  let refused = 0;
  for (let seed = 1; refused < PROGRAMS; seed++) {
    const w = WORLDS[seed % WORLDS.length];
    const g = generate(seed, { progType: w.progType, privileged: w.privileged, mode: 'sound', maps: MAP_SPECS.map((m, i) => ({ ...m, fd: 3 + i })) });
    const k = new Kernel({ seed: 1 });
    const fds = new Map(MAP_SPECS.map((s) => [s.name, (k.bpf(Cmd.MAP_CREATE, { mapType: s.type, keySize: s.keySize, valueSize: s.valueSize, maxEntries: s.maxEntries, name: s.name }) as { value: number }).value]));
    const bytes = g.bytes.slice();
    for (const f of g.fixups) writeRaw(bytes, f.insn, { ...readRaw(bytes, f.insn), src: 1, imm: fds.get(f.map)! });
    const v = verify({ progType: w.progType, bytes, license: 'GPL', logLevel: 0, logSize: 0, logBuf: false, kernVersion: 0x040800, privileged: w.privileged, resolveMapFd: (fd) => k.mapOfFd(fd) ?? 'EBADF' });
    if (v.ok) continue;
    refused++;
    const p = programFromBytes(g.bytes.slice());
    p.maps = MAP_SPECS.map((m): MapDecl => ({ name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: 0 }));
    p.mapRefs = g.fixups.map((f) => ({ pc: f.insn, map: f.map }));
    const r = searchRun(p, v.analysis!, w.progType, { timeMs: 200, packet: PACKET });
    if (r.found) {
      found++;
      expect(r.trail.at(-1), `seed ${seed}`).toBe(v.analysis!.error!.pc);
      expect(replay(g.bytes, g.fixups, w.progType, r), `seed ${seed}: the replay follows the refused path`).toBe(r.trail.length);
    } else {
      expect(REASONS.some((re) => re.test(r.reason ?? '')), `seed ${seed}: ${r.reason}`).toBe(true);
    }
  }
  // most random refusals are about the program's form (uninitialised registers, writes to r10):
  // the property is about what the search reports, but it must find some
  expect(found).toBeGreaterThanOrEqual(PROGRAMS / 20);
});
