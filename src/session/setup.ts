/**
 * What a loader process does beside BPF_PROG_LOAD of the main program, for lessons and opened
 * share links (`LoadRequest.setup`): map contents that replace the source's `.entry` lines,
 * other programs loaded first (tail-call targets, sharing the main program's maps), and the
 * slots of maps of file descriptors (programs, perf events, cgroups). Each step that fails is a
 * problem the IDE shows; the main program still loads, as a loader that ignores the failure would.
 */
import { assemble } from '../asm';
import { Cmd, Errno, PROG_TYPE_NAMES, errnoName } from '../isa';
import type { Kernel } from '../kernel/kernel';
import { withMapFds } from '../kernel/loader';
import type { ProgLoadResult } from '../kernel/sys';
import { leBytes } from '../mem';
import type { Program } from '../program';
import type { LoadSetup, OtherProgramView, ProgramLogView, SlotValue } from '../protocol';
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

/** log_level and log_size of a BPF_PROG_LOAD. */
export interface LogAsk {
  level: number;
  size: number;
}

/** What `run --json` loads its other programs with: a level-1 log of 1 MiB, whose last line says why one failed. */
const SETUP_LOG: LogAsk = { level: 1, size: 1 << 20 };

/** BPF_PROG_LOAD of a program (the edited one, or one beside it), with a log as `log` asks (level 0: none). */
export function loadProg(k: Kernel, progType: number, name: string, insns: Uint8Array, license = 'GPL', kernVersion = 0, log: LogAsk = SETUP_LOG): ProgLoadResult {
  const want = log.level > 0;
  const logSize = want ? log.size : 0;
  const logBuf = want ? new Uint8Array(Math.max(0, Math.min(logSize, 0xffffff))) : null;
  return k.bpf(Cmd.PROG_LOAD, { progType, insns, license, logLevel: want ? log.level : 0, logSize, logBuf, kernVersion, name });
}

/** What the Log pane shows of a BPF_PROG_LOAD: the verdict, its log, and the program's id once loaded. */
export function loadVerdict(k: Kernel, r: ProgLoadResult, progType: number): Omit<ProgramLogView, 'name'> {
  const id = r.ok ? k.progOfFd(r.value)?.id : undefined;
  return {
    progType,
    ok: r.ok,
    errno: r.ok ? 0 : r.errno,
    errnoName: r.ok ? '' : errnoName(r.errno),
    log: r.log,
    logTruncated: !r.ok && r.errno === Errno.ENOSPC,
    ...(id === undefined ? {} : { progId: id }),
  };
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

/** A program of the setup, assembled, with the type it loads with. */
export interface SetupProg {
  name: string;
  text: string;
  program: Program;
  /** its `.type` directive's, else the main program's */
  progType: number;
}

/** Assembles the setup's programs; one that does not, or uses a map the main program does not declare, is a problem. */
export function assembleProgs(progs: NonNullable<LoadSetup['progs']>, fds: MapFds, mainType: number, problems: string[]): SetupProg[] {
  const out: SetupProg[] = [];
  for (const p of progs) {
    const asm = assemble(p.text, { syntax: p.syntax ?? 'auto' });
    if (!asm.ok) {
      const first = asm.diagnostics.find((d) => d.severity === 'error');
      problems.push(`program ${p.name} does not assemble${first ? ` (line ${first.line}: ${first.message})` : ''}`);
      continue;
    }
    const missing = asm.program.mapRefs.find((r) => !fds.has(r.map));
    if (missing) {
      problems.push(`program ${p.name} uses map ${missing.map}, which the main program does not declare`);
      continue;
    }
    out.push({ name: p.name, text: p.text, program: asm.program, progType: asm.program.directives.progType ?? mainType });
  }
  return out;
}

/** What loading the setup's programs gives: fds by name (the caller closes them), views of those that loaded, every load's verdict and log. */
export interface LoadedProgs {
  fds: Map<string, number>;
  views: OtherProgramView[];
  logs: ProgramLogView[];
}

/**
 * BPF_PROG_LOAD of each of `progs` with its own type and the log `log` asks for, one call a
 * program as a loader makes them; each that loaded is described in `out.views` (text, lines, the
 * verifier's states), each load's verdict and log in `out.logs`.
 */
export function loadProgs(k: Kernel, fds: MapFds, progs: readonly SetupProg[], log: LogAsk, problems: string[], out: LoadedProgs): void {
  for (const p of progs) {
    const prog = p.program;
    const r = loadProg(k, p.progType, p.name, withMapFds(prog, fds), prog.directives.license, prog.directives.kernVersion, log);
    const verdict = loadVerdict(k, r, p.progType);
    out.logs.push({ name: p.name, ...verdict });
    if (!r.ok) {
      const last = r.log.trimEnd().split('\n').at(-1) ?? '';
      problems.push(`program ${p.name} did not load: ${errnoName(r.errno)}${last ? ` (${last})` : ''}`);
      continue;
    }
    out.fds.set(p.name, r.value);
    if (verdict.progId !== undefined) {
      const analysis = r.analysis as VerifierAnalysis | undefined;
      out.views.push({ name: p.name, progId: verdict.progId, progType: p.progType, text: p.text, program: programView(prog), analysis: analysis ? analysisView(analysis) : undefined });
    }
  }
}

function slotFd(k: Kernel, value: SlotValue, progs: ReadonlyMap<string, number>): { fd: number; close: boolean } | string {
  if ('prog' in value) {
    const fd = progs.get(value.prog);
    return fd === undefined ? `no program ${value.prog} was loaded` : { fd, close: false };
  }
  const fd = openSlotObject(k, value);
  return typeof fd === 'string' ? fd : { fd, close: true };
}

/**
 * Why a prog_array refused a program, when it is 4.8's one-type rule (bpf_prog_array_compatible:
 * the first program loaded with or put into the array sets its type); else "".
 */
function otherType(k: Kernel, mapFd: number, progFd: number): string {
  const owner = (k.mapOfFd(mapFd) as { ownerProgType?: number } | undefined)?.ownerProgType;
  const type = k.progOfFd(progFd)?.progType;
  if (!owner || type === undefined || owner === type) return '';
  const name = (t: number) => PROG_TYPE_NAMES[t] ?? String(t);
  return ` (a prog_array holds programs of one type: this one holds ${name(owner)} programs, and the program is a ${name(type)} one)`;
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
    const why = r.ok ? '' : otherType(k, mapFd, got.fd);
    if (got.close) k.close(got.fd);
    if (!r.ok) problems.push(`slot ${s.index} of ${s.map}: BPF_MAP_UPDATE_ELEM gave ${errnoName(r.errno)}${why}`);
  }
}
