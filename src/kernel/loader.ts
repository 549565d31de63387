/**
 * What a loader process does with an assembled program, in its simplest form: create the maps
 * the source declares (with their `.entry` contents), put their fds into the ld_imm64s that name
 * them, and BPF_PROG_LOAD it. The IDE's Load (session/load.ts) adds lessons' and links' setup
 * on top; the input search and the challenge grader use this as it is.
 */
import { Cmd, errnoName, LINUX_VERSION_CODE, Pseudo, readRaw, writeRaw } from '../isa';
import type { MapDecl, Program } from '../program';
import type { Kernel } from './kernel';
import type { ProgLoadResult, SysResult } from './sys';

/** BPF_MAP_CREATE of a declared map. */
export const createMap = (k: Kernel, m: Omit<MapDecl, 'entries' | 'pos'>): SysResult<number> =>
  k.bpf(Cmd.MAP_CREATE, { mapType: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, mapFlags: m.flags, name: m.name });

/** Puts a map's fd into the ld_imm64 at slot `pc` and marks it BPF_PSEUDO_MAP_FD (src_reg 1). */
export function setMapFd(bytes: Uint8Array, pc: number, fd: number): void {
  writeRaw(bytes, pc, { ...readRaw(bytes, pc), src: Pseudo.MAP_FD, imm: fd });
}

/** Instruction bytes with each map reference's fd in its ld_imm64; -1 for an unknown map. */
export function withMapFds(p: Program, fds: ReadonlyMap<string, number>): Uint8Array {
  const bytes = p.bytes.slice();
  for (const ref of p.mapRefs) setMapFd(bytes, ref.pc, fds.get(ref.map) ?? -1);
  return bytes;
}

/** Creates the maps `p` declares, with their `.entry` lines: their fds by name, or what failed. */
export function createDeclaredMaps(k: Kernel, p: Program): Map<string, number> | string {
  const fds = new Map<string, number>();
  for (const m of p.maps) {
    const r = createMap(k, m);
    if (!r.ok) return `BPF_MAP_CREATE of ${m.name} failed: ${errnoName(r.errno)}`;
    fds.set(m.name, r.value);
    for (const e of m.entries ?? []) {
      const u = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: r.value, key: e.key, value: e.value, flags: 0 });
      if (!u.ok) return `an entry of ${m.name} failed: BPF_MAP_UPDATE_ELEM gave ${errnoName(u.errno)}`;
    }
  }
  for (const ref of p.mapRefs) if (!fds.has(ref.map)) return `the program uses map ${ref.map}, which it does not declare`;
  return fds;
}

/** BPF_PROG_LOAD of `p` (its maps already created) as `progType`, with the kernel's verifier if it has one. */
export function loadDeclared(k: Kernel, p: Program, fds: ReadonlyMap<string, number>, progType: number, logSize = 0): ProgLoadResult {
  return k.bpf(Cmd.PROG_LOAD, {
    progType,
    insns: withMapFds(p, fds),
    license: p.directives.license ?? 'GPL',
    logLevel: logSize ? 1 : 0,
    logSize,
    logBuf: logSize ? new Uint8Array(logSize) : null,
    kernVersion: p.directives.kernVersion ?? LINUX_VERSION_CODE,
    name: p.directives.name ?? '',
  });
}
