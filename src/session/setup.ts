/**
 * What a loader process does beside BPF_PROG_LOAD of the main program, for lessons and opened
 * share links (`LoadRequest.setup`): map contents that replace the source's `.entry` lines,
 * other programs loaded first (tail-call targets, sharing the main program's maps), and the
 * slots of maps of file descriptors (programs, perf events, cgroups). Each step that fails is a
 * problem the IDE shows; the main program still loads, as a loader that ignores the failure would.
 */
import { assemble } from '../asm';
import { Cmd, errnoName } from '../isa';
import type { Kernel } from '../kernel/kernel';
import { withMapFds } from '../kernel/loader';
import type { ProgLoadResult } from '../kernel/sys';
import { leBytes } from '../mem';
import type { LoadSetup, OtherProgramView, SlotValue } from '../protocol';
import type { VerifierAnalysis } from '../verifier';
import { analysisView, programView } from './analysis';

// The loader's steps that `run --json` (request-setup.ts) takes too, each with its own error policy.
export { createMap, setMapFd, withMapFds } from '../kernel/loader';

/** A 32-bit value as 4 little-endian bytes: an fd-array slot's index or the fd it gets. */
export const le32 = (v: number): Uint8Array => leBytes(BigInt(v), 4);


/** A value cut or zero-padded to what MAP_UPDATE_ELEM copies in for the map of `fd` (per-CPU: every CPU's). */
export function fitValue(k: Kernel, fd: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(k.mapOfFd(fd)?.userValueSize ?? 0);
  out.set(value.subarray(0, out.length));
  return out;
}


/** A value of value_size bytes for every CPU of a per-CPU map (as MAP_UPDATE_ELEM copies it in); other maps' values as they are. */
export function everyCpu(k: Kernel, fd: number, value: Uint8Array): Uint8Array {
  const m = k.mapOfFd(fd);
  if (!m || m.userValueSize === m.valueSize || value.length !== m.valueSize) return value;
  const out = new Uint8Array(m.userValueSize);
  const stride = Math.ceil(m.valueSize / 8) * 8;
  for (let at = 0; at + m.valueSize <= out.length; at += stride) out.set(value, at);
  return out;
}

/** Opens the perf event or cgroup a slot gets; the fd (the caller closes it), or what could not be opened. */
export function openSlotObject(k: Kernel, value: Exclude<SlotValue, { prog: string }>): number | string {
  const opened = 'perfCpu' in value ? k.perfEventOpen({ cpu: value.perfCpu }) : k.cgroupOpen(value.cgroup);
  if (opened.ok) return opened.value;
  return `cannot open ${'perfCpu' in value ? `a perf event on CPU ${value.perfCpu}` : `cgroup ${value.cgroup}`}: ${errnoName(opened.errno)}`;
}

/**
 * BPF_PROG_LOAD of a program beside the main one (a tail-call target), with a level-1 log whose
 * last line says why it failed; 1 MiB of log, so that a long program does not fail for the log.
 */
export function loadOtherProg(k: Kernel, progType: number, name: string, insns: Uint8Array, license = 'GPL', kernVersion = 0): ProgLoadResult {
  const logSize = 1 << 20;
  return k.bpf(Cmd.PROG_LOAD, { progType, insns, license, logLevel: 1, logSize, logBuf: new Uint8Array(logSize), kernVersion, name });
}

/** The maps a load created, by the name the source gives them. */
type MapFds = ReadonlyMap<string, number>;


/** Puts a share link's contents into freshly created maps (created without their `.entry` lines). */
export function fillContents(k: Kernel, fds: MapFds, contents: NonNullable<LoadSetup['contents']>, problems: string[]): void {
  for (const c of contents) {
    const fd = fds.get(c.name);
    if (fd === undefined) {
      problems.push(`map ${c.name}: the source declares no map of that name, so its contents were left out`);
      continue;
    }
    for (const e of c.entries) {
      const r = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: fd, key: e.key, value: fitValue(k, fd, e.value), flags: 0 });
      if (!r.ok) {
        problems.push(`map ${c.name}: an entry could not be restored (BPF_MAP_UPDATE_ELEM gave ${errnoName(r.errno)})`);
        break;
      }
    }
  }
}

/**
 * Loads `progs` with the main program's type; their fds by name (the caller closes them). Each
 * that loaded is described in `views` (text, lines, the verifier's states) when given.
 */
export function loadProgs(
  k: Kernel,
  progType: number,
  fds: MapFds,
  progs: NonNullable<LoadSetup['progs']>,
  problems: string[],
  views?: OtherProgramView[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of progs) {
    const asm = assemble(p.text, { syntax: p.syntax ?? 'auto' });
    if (!asm.ok) {
      const first = asm.diagnostics.find((d) => d.severity === 'error');
      problems.push(`program ${p.name} does not assemble${first ? ` (line ${first.line}: ${first.message})` : ''}`);
      continue;
    }
    const prog = asm.program;
    const missing = prog.mapRefs.find((r) => !fds.has(r.map));
    if (missing) {
      problems.push(`program ${p.name} uses map ${missing.map}, which the main program does not declare`);
      continue;
    }
    const r = loadOtherProg(k, progType, p.name, withMapFds(prog, fds), prog.directives.license, prog.directives.kernVersion);
    if (!r.ok) {
      const last = r.log.trimEnd().split('\n').at(-1) ?? '';
      problems.push(`program ${p.name} did not load: ${errnoName(r.errno)}${last ? ` (${last})` : ''}`);
      continue;
    }
    out.set(p.name, r.value);
    const id = k.progOfFd(r.value)?.id;
    if (views && id !== undefined) {
      const analysis = r.analysis as VerifierAnalysis | undefined;
      views.push({ name: p.name, progId: id, text: p.text, program: programView(prog), analysis: analysis ? analysisView(analysis) : undefined });
    }
  }
  return out;
}

function slotFd(k: Kernel, value: SlotValue, progs: ReadonlyMap<string, number>): { fd: number; close: boolean } | string {
  if ('prog' in value) {
    const fd = progs.get(value.prog);
    return fd === undefined ? `no program ${value.prog} was loaded` : { fd, close: false };
  }
  const fd = openSlotObject(k, value);
  return typeof fd === 'string' ? fd : { fd, close: true };
}

/** Fills fd-array slots with programs, perf events and cgroups (as MAP_UPDATE_ELEM with their fds). */
export function fillSlots(k: Kernel, fds: MapFds, slots: NonNullable<LoadSetup['slots']>, progs: ReadonlyMap<string, number>, problems: string[]): void {
  for (const s of slots) {
    const mapFd = fds.get(s.map);
    if (mapFd === undefined) {
      problems.push(`slot ${s.index} of ${s.map}: the source declares no map of that name`);
      continue;
    }
    const got = slotFd(k, s.value, progs);
    if (typeof got === 'string') {
      problems.push(`slot ${s.index} of ${s.map}: ${got}`);
      continue;
    }
    const r = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd, key: le32(s.index), value: le32(got.fd), flags: 0 });
    if (got.close) k.close(got.fd);
    if (!r.ok) problems.push(`slot ${s.index} of ${s.map}: BPF_MAP_UPDATE_ELEM gave ${errnoName(r.errno)}`);
  }
}
