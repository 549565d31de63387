/** Module-level selectors: components read the store only through these (stable identities). */
import type { State } from './state';
import { statesAt, type LoadSetup } from './deps';

/** The programs and slots of the session's tail-call set: the open lesson's, else the one opened from an object or a link. */
export const programSetOf = (s: Pick<State, 'lesson' | 'tailSet'>): Pick<LoadSetup, 'progs' | 'slots'> | undefined =>
  s.lesson?.setup ?? (s.tailSet ? { progs: s.tailSet.progs, slots: s.tailSet.slots } : undefined);
/** Why the entry program of an object opened whole is in no prog_array slot (its loader's rules), if it is in none. */
export const selectEntryNote = (s: State) => (s.lesson ? undefined : s.tailSet?.entryNote);
/** The chosen program's BPF_PROG_LOAD (null: the edited program's, `load` itself). */
export const selectLogProgram = (s: State) => s.logProgram;
const NO_LOGS: never[] = [];
export const selectProgramLogs = (s: State) => s.load?.programLogs ?? NO_LOGS;

/** What the next Load sets up beside the program: the open lesson's programs and slots, and one-shot parts. */
export function loadSetupOf(s: Pick<State, 'lesson' | 'pendingSetup' | 'tailSet'>): LoadSetup | undefined {
  const l = programSetOf(s);
  const p = s.pendingSetup;
  if (!l && !p) return undefined;
  return { ...l, ...p };
}

/** The slots of the loaded program that carry a breakpoint line. */
export function breakpointPcs(s: State): number[] {
  const lines = s.load?.program?.lines;
  if (!lines) return [];
  const want = new Set(s.breakpoints);
  const pcs: number[] = [];
  lines.forEach((l, pc) => {
    if (l !== null && want.has(l)) pcs.push(pc);
  });
  return pcs;
}

/** The setup's program (a tail-call target) the run stands in, if it is not the main one. */
export const selectRunningOther = (s: State) => {
  if (!s.snap || s.snap.progId === s.load?.progId) return undefined;
  return s.load?.others?.find((o) => o.progId === s.snap!.progId);
};

/** The programs of the loaded setup beside the main one (tail-call targets); stable when none. */
const NO_OTHERS: never[] = [];
export const selectOthers = (s: State) => s.load?.others ?? NO_OTHERS;
export const selectProgramTab = (s: State) => s.programTab;

/** The source line of a slot of the loaded program. */
export function lineOfPc(s: State, pc: number): number | undefined {
  return s.load?.program?.lines[pc] ?? undefined;
}

/** The loaded program is out of date with the editor or the settings. */
export const selectStale = (s: State): boolean => s.load !== null && s.loadedSig !== null && s.loadedSig !== loadSignature(s);

let lastSig: { parts: readonly unknown[]; sig: string } | undefined;

/**
 * The signature of what Load sends: when it changes, the loaded program is stale. selectStale
 * runs on every store change in three components, so the text is serialized again only when
 * one of the parts changed.
 */
export function loadSignature(s: State): string {
  const parts = [s.text, s.syntax, s.progType, s.logLevel, s.logSize, s.privileged, s.engineSettings];
  if (!lastSig || parts.some((p, i) => p !== lastSig!.parts[i])) lastSig = { parts, sig: JSON.stringify(parts) };
  return lastSig.sig;
}

export const selectSyntax = (s: State) => s.syntax;
export const selectReveal = (s: State) => s.reveal;
export const selectCursorLine = (s: State) => s.cursorLine;
export const selectTabMovesFocus = (s: State) => s.tabMovesFocus;
export const selectProgType = (s: State) => s.progType;
/** The editor's program type as the kernel describes it (undefined until the engine said). */
export const selectProgTypeInfo = (s: State) => s.progTypes.find((t) => t.type === s.progType);
export const selectProgTypes = (s: State) => s.progTypes;
export const selectLogLevel = (s: State) => s.logLevel;
export const selectLogSize = (s: State) => s.logSize;
export const selectPrivileged = (s: State) => s.privileged;
export const selectTheme = (s: State) => s.theme;
export const selectInput = (s: State) => s.input;
export const selectLoad = (s: State) => s.load;
export const selectLoading = (s: State) => s.loading;
export const selectSnap = (s: State) => s.snap;
export const selectBusy = (s: State) => s.busy;
export const selectProgress = (s: State) => s.progressStep;
export const selectMaxStep = (s: State) => s.maxStep;
export const selectMaps = (s: State) => s.maps;
export const selectUnavailablePins = (s: State) => s.unavailablePins;
export const selectSelectedMap = (s: State) => s.selectedMap;
export const selectMapGen = (s: State) => s.mapGen;
export const selectTouched = (s: State) => s.touched;
export const selectFormats = (s: State) => s.formats;
export const selectEngine = (s: State) => s.engine;
export const selectNotices = (s: State) => s.notices;
export const selectLayout = (s: State) => s.layout;
export const selectEngineSettings = (s: State) => s.engineSettings;

/** The slot the debugger stands at, in the loaded program (not inside a tail-called one). */
export const selectCurrentPc = (s: State): number | null => {
  if (!s.snap) return null;
  const main = s.load?.progId;
  return main === undefined || s.snap.progId === main ? s.snap.pc : null;
};

/** The verifier's states at the current pc (for register types and stack slot kinds). */
export const selectStatesAtPc = (s: State) => {
  const pc = selectCurrentPc(s);
  if (pc === null) {
    const other = selectRunningOther(s);
    return other && s.snap ? statesAt(other.analysis, s.snap.pc) : undefined;
  }
  return statesAt(s.load?.analysis, pc);
};
export const selectLesson = (s: State) => s.lesson;
export const selectShare = (s: State) => s.share;
export const selectObjectChoice = (s: State) => s.objectChoice;
export const selectCapture = (s: State) => s.capture;
export const selectExported = (s: State) => s.exported;
export const selectOpening = (s: State) => s.opening;
export const selectLinkAsk = (s: State) => s.linkAsk;

export const selectAnalysisPaths = (s: State) => s.load?.analysis?.paths;
export const selectLoadedLines = (s: State) => s.load?.program?.lines;
export const selectProvenance = (s: State) => s.provenance;
export const selectWitness = (s: State) => s.witness;
export const selectSearching = (s: State) => s.searching;
export const selectChallenge = (s: State) => s.challenge;
export const selectGrade = (s: State) => s.grade;
export const selectGrading = (s: State) => s.grading;
export const selectChallengeProgress = (s: State) => s.progress;
export { pcsOfLine, selectInspected } from './visits';
