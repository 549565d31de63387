/**
 * The app's one store, in slices: editor, settings, load, debug, maps, terminal, layout, engine.
 * State only; actions live in actions.ts and selectors in selectors.ts. What survives a reload is
 * listed in PERSISTED (persist.ts).
 */
import { DEFAULT_SETTINGS, ProgType } from './deps';
import type { DebugSnapshot, Diagnostic, EngineSettings, LoadResult, MapInfo, ProgramView, Syntax, UnavailablePinView } from './deps';
import type { CaptureReplay, ExportFormat, LoadSetup, ObjectProgramView, ObjectSetView, ProgTypeInfo } from './deps';
import type { GradeResult, ProvenanceView, RunSearchResult } from './deps';

/** Programs loaded beside the edited one (tail-call targets) and the prog_array slots they fill. */
type ProgramSet = Pick<LoadSetup, 'progs' | 'slots'>;
import type { OpenLesson } from '../lib/lesson';
import type { EngineStatus } from '../engine';
import { DEFAULT_INPUT, type InputState } from '../lib/input';
import type { ValueFormat } from '../lib/values';
import { DEFAULT_LAYOUT, type LayoutState } from '../ui/layout';
import { EXAMPLE_PROGRAM } from './example';
import type { TermState } from './terminal';

interface EditorSlice {
  text: string;
  syntax: Syntax;
  /** 1-based source lines with a breakpoint */
  breakpoints: number[];
  diagnostics: Diagnostic[];
  /** the program as last assembled (for hovers, completions and pc <-> line) */
  program: ProgramView | null;
  /** asks the editor to reveal a line (nonce changes every time) */
  reveal: { line: number; nonce: number } | null;
  /** the line the editor's cursor is on (the verifier log highlights its instruction's lines) */
  cursorLine: number | null;
  /** Tab moves focus out of the editor (true) or indents (app/panels/editor/tabmode.ts) */
  tabMovesFocus: boolean;
}

export interface SettingsSlice {
  progType: number;
  logLevel: 0 | 1 | 2;
  logSize: number;
  privileged: boolean;
  theme: 'light' | 'dark';
  engineSettings: EngineSettings;
  input: InputState;
}

interface LoadSlice {
  load: LoadResult | null;
  /** the signature of what was loaded: the editor and settings at Load */
  loadedSig: string | null;
  loading: boolean;
}

type Busy = 'idle' | 'stepping' | 'running';

interface DebugSlice {
  snap: DebugSnapshot | null;
  busy: Busy;
  /** live progress of a long run */
  progressStep: number | null;
  /** the furthest step reached in this run and repetition (the timeline's end) */
  maxStep: number;
  /**
   * the editor's tab: null for the program being edited, else the name of one of the loaded
   * setup's other programs (`load.others`); follows a run into a tail-called program
   */
  programTab: string | null;
}

export interface MapFormat {
  key: ValueFormat;
  value: ValueFormat;
  /** a struct layout for the value ("u32 a; u16 b") */
  layout: string;
}

interface MapsSlice {
  maps: MapInfo[];
  /** pins stored but not restored in this kernel (they do not fit it), with the reason */
  unavailablePins: UnavailablePinView[];
  selectedMap: number | null;
  /** bumps whenever map contents may have changed: inspectors refetch */
  mapGen: number;
  /** entries the last step touched, as map id and key hex (inspectors flash them) */
  touched: { mapId: number; key: string }[];
  /** formats by map name (names survive a reload, ids do not) */
  formats: Record<string, MapFormat>;
}

interface TerminalSlice {
  term: TermState;
  /** commands typed, newest last (arrow up recalls them) */
  history: string[];
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

interface EngineSlice {
  engine: EngineStatus;
  /** the kernel's program types as the engine describes them (empty until it has) */
  progTypes: ProgTypeInfo[];
  notices: Notice[];
}

interface LayoutSlice {
  layout: LayoutState;
}

/** A capture opened in the engine and its replay through the loaded program. */
interface CaptureState {
  file: string;
  format: string;
  packets: number;
  warnings: string[];
  replay: CaptureReplay | null;
  /** packets run so far while a replay goes on */
  progress: number | null;
  /** the packet whose debug run was started from the table */
  debugged: number | null;
}

/** Sharing, lessons, imports and exports. */
interface IoSlice {
  /** the lesson open in the editor (its setup goes with every Load) */
  lesson: OpenLesson | null;
  /** one-shot parts of the next Load's setup: a fresh world, a link's map contents */
  pendingSetup: LoadSetup | null;
  /**
   * tail-call programs and prog_array slots that go with every Load beside the edited program,
   * outside a lesson: an object opened whole, a link that carried them
   */
  tailSet: ProgramSet | null;
  /** the link the Share button made */
  share: { url: string; copied: boolean; warning?: string } | null;
  /** an object with several programs waits for the user to pick one (or its whole tail-call set) */
  objectChoice: { file: string; programs: ObjectProgramView[]; set?: ObjectSetView } | null;
  capture: CaptureState | null;
  /** an exported text the Export dialog shows */
  exported: { format: ExportFormat; filename: string; mime: string; text: string } | null;
  /** a link is being opened (loaded and replayed) */
  opening: boolean;
  /** a link that asks for more work than the defaults waits for the user's answer */
  linkAsk: { budget: number; step: number } | null;
}

/** The verifier made visible: the state the panels show without a run, provenance, "show me a run". */
interface InsightSlice {
  /** the visit of the verifier's walk whose state the registers and stack panels show (no run) */
  inspect: number | null;
  /** where a value came from, as the engine traced it */
  provenance: ProvenanceView | null;
  /** "show me a run": the search's answer, and whether the debug run followed the refused path */
  witness: { search: RunSearchResult; reached: boolean; note?: string } | null;
  searching: boolean;
}

/** A challenge as the store keeps it while open (its statement and goals; the checks stay in the engine). */
export interface OpenChallenge {
  id: string;
  title: string;
  statement: string;
  goals: { id: string; text: string }[];
  lessons: string[];
}

/** What the browser remembers of one challenge: solved once, and the goals the last Check passed. */
export interface ChallengeProgress {
  solved: boolean;
  goals: string[];
}

interface ChallengeSlice {
  challenge: OpenChallenge | null;
  /** the last Check's answer */
  grade: GradeResult | null;
  grading: boolean;
  /** by challenge id (persisted) */
  progress: Record<string, ChallengeProgress>;
}

export type State = EditorSlice & SettingsSlice & LoadSlice & DebugSlice & MapsSlice & TerminalSlice & EngineSlice & LayoutSlice & IoSlice & InsightSlice & ChallengeSlice;

export const initialState = (): State => ({
  text: EXAMPLE_PROGRAM,
  syntax: 'auto',
  breakpoints: [],
  diagnostics: [],
  program: null,
  reveal: null,
  cursorLine: null,
  tabMovesFocus: true,
  progType: ProgType.SchedCls,
  logLevel: 1,
  logSize: 65536,
  privileged: true,
  theme: 'dark',
  engineSettings: { ...DEFAULT_SETTINGS },
  input: DEFAULT_INPUT,
  load: null,
  loadedSig: null,
  loading: false,
  snap: null,
  busy: 'idle',
  progressStep: null,
  maxStep: 0,
  programTab: null,
  maps: [],
  unavailablePins: [],
  selectedMap: null,
  mapGen: 0,
  touched: [],
  formats: {},
  term: { entries: [], epoch: 0 },
  history: [],
  engine: { kind: 'starting' },
  progTypes: [],
  notices: [],
  layout: DEFAULT_LAYOUT,
  lesson: null,
  pendingSetup: null,
  tailSet: null,
  share: null,
  objectChoice: null,
  capture: null,
  exported: null,
  opening: false,
  linkAsk: null,
  inspect: null,
  provenance: null,
  witness: null,
  searching: false,
  challenge: null,
  grade: null,
  grading: false,
  progress: {},
});
