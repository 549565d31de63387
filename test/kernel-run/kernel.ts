/** Sets up objects in a real Kernel for the run-side tests: maps, loaded programs, fd slots. */
import { Cmd, ProgType } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import type { BpfMap, LoadedProg } from '../../src/kernel/types';

/** A kernel with a fixed seed and no verifier (the helpers are under test, not the verifier). */
export const newKernel = (): Kernel => new Kernel({ seed: 1 });

const le32 = (v: number): Uint8Array => Uint8Array.of(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);

/** MAP_CREATE; throws on failure (a test bug). */
export function createMap(k: Kernel, mapType: number, keySize: number, valueSize: number, maxEntries: number, mapFlags = 0): { fd: number; map: BpfMap } {
  const r = k.bpf(Cmd.MAP_CREATE, { mapType, keySize, valueSize, maxEntries, mapFlags });
  if (!r.ok) throw new Error(`MAP_CREATE failed: ${r.errno}`);
  return { fd: r.value, map: k.mapOfFd(r.value)! };
}

/** Puts an fd (program, perf event, cgroup) into slot `index` of an fd array. */
export function setSlot(k: Kernel, mapFd: number, index: number, valueFd: number): void {
  const r = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd, key: le32(index), value: le32(valueFd), flags: 0 });
  if (!r.ok) throw new Error(`MAP_UPDATE_ELEM failed: ${r.errno}`);
}

/** Loads `r0 = 0; exit` (or the given bytes) as a program of `progType`. */
export function loadProg(k: Kernel, progType: number = ProgType.SchedCls, bytes?: Uint8Array): { fd: number; prog: LoadedProg } {
  const insns = bytes ?? Uint8Array.of(0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0);
  const r = k.bpf(Cmd.PROG_LOAD, { progType, insns, license: 'GPL', kernVersion: 0x040800 });
  if (!r.ok) throw new Error(`PROG_LOAD failed: ${r.errno}`);
  return { fd: r.value, prog: k.progOfFd(r.value)! };
}
