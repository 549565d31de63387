/**
 * Load, as a loader process does it: assemble the text, create the maps it declares (with their
 * `.entry` contents), put their fds into the ld_imm64 instructions that name them, and call
 * BPF_PROG_LOAD with the toolbar's log settings. Each Load starts afresh: the previous program
 * and maps are closed (pinned objects live on, as in Linux).
 */
import { assemble } from '../asm';
import { Cmd, LINUX_VERSION_CODE, errnoName } from '../isa';
import type { Kernel } from '../kernel/kernel';
import type { ProgLoadResult } from '../kernel/sys';
import type { Program } from '../program';
import type { VerifierAnalysis } from '../verifier';
import type { Diagnostic, LoadRequest, LoadResult, OtherProgramView, ProgramLogView, ProgramView } from '../protocol';
import { analysisView, programView } from './analysis';
import { assembleProgs, createMap, everyCpu, fillContents, fillSlots, loadProg, loadProgs, loadVerdict, withMapFds, type LoadedProgs, type LogAsk, type SetupProg } from './setup';

/** What a load leaves open: its fds, released by the next load. */
export interface Loaded {
  progFd: number | null;
  mapFds: number[];
  /** the setup's other programs (tail-call targets) */
  progFds: number[];
  /** the declared maps' fds by name */
  mapsByName: Map<string, number>;
  program: Program;
  view: ProgramView;
  /** the setup's other programs that loaded (tail-call targets) */
  others: OtherProgramView[];
  /** the verifier's whole analysis of the last load (provenance, the exploration graph, the input search) */
  analysis?: VerifierAnalysis;
  /** the program type it was loaded as (a `.type` directive wins over the request's) */
  progType: number;
}

export const asmDiagnostics = (ds: readonly Diagnostic[]): Diagnostic[] =>
  ds.map((d) => ({ line: d.line, col: d.col, endCol: d.endCol, message: d.message, severity: d.severity }));

/** Closes what an earlier load left open. */
function release(k: Kernel, l: Loaded | null): void {
  if (!l) return;
  if (l.progFd !== null) k.close(l.progFd);
  for (const fd of l.progFds) k.close(fd);
  for (const fd of l.mapFds) k.close(fd);
}

function failedAt(progType: number, errno: number, diagnostics: Diagnostic[], program: ProgramView): LoadResult {
  return { stage: 'load', diagnostics, ok: false, errno, errnoName: errnoName(errno), log: '', logTruncated: false, progType, program, maps: [] };
}

/** Creates the declared maps (with their `.entry` lines unless `replaced`); on failure, a diagnostic at the declaration. */
function createMaps(k: Kernel, p: Program, l: Loaded, replaced: ReadonlySet<string>): { errno: number; diag: Diagnostic } | null {
  for (const m of p.maps) {
    const r = createMap(k, m);
    const at = { line: m.pos?.line ?? 1, col: m.pos?.col ?? 1, severity: 'error' as const };
    if (!r.ok) return { errno: r.errno, diag: { ...at, message: `BPF_MAP_CREATE of ${m.name} failed: ${errnoName(r.errno)}` } };
    l.mapFds.push(r.value);
    l.mapsByName.set(m.name, r.value);
    if (replaced.has(m.name)) continue;
    for (const e of m.entries ?? []) {
      const u = k.bpf(Cmd.MAP_UPDATE_ELEM, { mapFd: r.value, key: e.key, value: everyCpu(k, r.value, e.value), flags: 0 });
      if (!u.ok) return { errno: u.errno, diag: { ...at, message: `an entry of ${m.name} failed: BPF_MAP_UPDATE_ELEM gave ${errnoName(u.errno)}` } };
    }
  }
  return null;
}

/**
 * The setup beside the program, around its BPF_PROG_LOAD (`loadMain`): map contents, then the
 * other programs of its type, the main program, the programs of other types (so that a prog_array
 * the main program uses takes its type, as the loader that attaches it first would have it), and
 * the fd-array slots last (a slot may name the main program by its `.name`). Each other program
 * loads with the request's log_level and log_size, in a call of its own. What failed, in order.
 */
function withSetup(k: Kernel, req: LoadRequest, progType: number, l: Loaded, p: Program, loadMain: () => number | null): { problems: string[]; logs: ProgramLogView[] } {
  const problems: string[] = [];
  const setup = req.setup;
  if (setup?.contents) fillContents(k, l.mapsByName, setup.contents, problems);
  const ready = setup?.progs?.length ? assembleProgs(setup.progs, l.mapsByName, progType, problems) : [];
  const done: LoadedProgs = { fds: new Map(), views: l.others, logs: [] };
  const log: LogAsk = { level: req.logLevel, size: req.logSize };
  const group = (same: boolean): SetupProg[] => ready.filter((x) => (x.progType === progType) === same);
  loadProgs(k, l.mapsByName, group(true), log, problems, done);
  const mainFd = loadMain();
  loadProgs(k, l.mapsByName, group(false), log, problems, done);
  l.progFds.push(...done.fds.values());
  const name = p.directives.name;
  const slots = new Map(done.fds);
  if (mainFd !== null && name !== undefined && !slots.has(name)) slots.set(name, mainFd);
  if (setup?.slots?.length) fillSlots(k, l.mapsByName, setup.slots, slots, problems);
  // the views and logs in the setup's order, whatever the order of the loads
  const order = new Map(ready.map((x, i) => [x.name, i]));
  const byOrder = (a: { name: string }, b: { name: string }) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0);
  l.others.sort(byOrder);
  return { problems, logs: done.logs.sort(byOrder) };
}

/** Assembles and loads; `previous` is released first. */
export function loadProgram(k: Kernel, req: LoadRequest, previous: Loaded | null): { result: LoadResult; loaded: Loaded | null } {
  const asm = assemble(req.text, { syntax: req.syntax });
  if (!asm.ok) {
    return { result: { stage: 'assemble', diagnostics: asmDiagnostics(asm.diagnostics), ok: false, errno: 0, errnoName: '', log: '', logTruncated: false, progType: req.progType, maps: [] }, loaded: previous };
  }
  release(k, previous);
  const p = asm.program;
  const view = programView(p);
  const progType = p.directives.progType ?? req.progType;
  const loaded: Loaded = { progFd: null, mapFds: [], progFds: [], mapsByName: new Map(), program: p, view, progType, others: [] };
  const warnings = asmDiagnostics(asm.diagnostics);
  const was = k.privileged;
  k.privileged = req.privileged;
  try {
    const bad = createMaps(k, p, loaded, new Set((req.setup?.contents ?? []).map((c) => c.name)));
    if (bad) return { result: failedAt(progType, bad.errno, [...warnings, bad.diag], view), loaded };
    let r!: ProgLoadResult;
    const setup = withSetup(k, req, progType, loaded, p, () => {
      const license = p.directives.license ?? req.license ?? 'GPL';
      const kernVersion = p.directives.kernVersion ?? req.kernVersion ?? LINUX_VERSION_CODE;
      r = loadProg(k, progType, p.directives.name ?? '', withMapFds(p, loaded.mapsByName), license, kernVersion, { level: req.logLevel, size: req.logSize });
      if (r.ok) loaded.progFd = r.value;
      return r.ok ? r.value : null;
    });
    const setupProblems = setup.problems;
    const verifierAnalysis = r.analysis as VerifierAnalysis | undefined;
    if (verifierAnalysis) loaded.analysis = verifierAnalysis;
    const analysis = verifierAnalysis ? analysisView(verifierAnalysis) : undefined;
    const result: LoadResult = {
      stage: 'load',
      diagnostics: warnings,
      ...loadVerdict(k, r, progType),
      program: view,
      analysis,
      maps: [],
    };
    if (!r.ok && verifierAnalysis?.refusal) result.refusal = verifierAnalysis.refusal;
    if (setupProblems.length) result.setupProblems = setupProblems;
    if (loaded.others.length) result.others = loaded.others;
    if (setup.logs.length) result.programLogs = setup.logs;
    return { result, loaded };
  } finally {
    k.privileged = was;
  }
}
