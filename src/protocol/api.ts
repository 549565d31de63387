/**
 * EngineApi: the one typed boundary between the IDE and the engine. The worker exposes an object
 * implementing it (`src/worker`), the app reaches it only through `app/engine`, and the Node tests
 * call the same object directly. Every argument and answer is structured-clone data (numbers,
 * bigints, strings, Uint8Arrays, plain objects); every answer is an `Outcome`.
 */
import type { AssembleRequest, AssembleResult, LoadRequest, LoadResult } from './program';
import type { ContinueOptions, DebugSnapshot, DebugUpdate, RunInput, RunProgress } from './debug';
import type { MapDeleteRequest, MapEditResult, MapInfo, MapPage, MapPageRequest, MapUpdateRequest, UnavailablePinView } from './maps';
import type { Outcome } from './result';
import type { ProgTypeInfo } from './progtypes';
import type {
  CaptureInfo,
  CaptureProgress,
  CaptureReplay,
  CaptureRunRequest,
  ExportRequest,
  ExportResult,
  ObjectView,
  ReadObjectRequest,
  ShareState,
  TracepointRecordRequest,
} from './io';
import type { EngineSettings } from './settings';
import type { GradeRequest, GradeResult } from './challenges';
import type { ExplorationView, ProvenanceRequest, ProvenanceView, RunSearchRequest, RunSearchResult, ShownRun } from './insight';

/** Bumped on every incompatible change of these types; the client refuses a worker of another version. */
export const PROTOCOL_VERSION = 2;

export interface Hello {
  protocol: number;
  settings: EngineSettings;
  /** the program types of the kernel, in enum order (the kernel's registry as data) */
  progTypes: ProgTypeInfo[];
}

export interface ShellResult {
  /** what the command printed (lines end with \n) */
  output: string;
  /** 0 on success */
  status: number;
}

/** A callback the worker calls during long runs (a Comlink proxy across the boundary). */
export type ProgressSink = (p: RunProgress) => void;

export interface EngineApi {
  hello(): Promise<Hello>;
  /** the client's watchdog asks every second whether the worker still answers: nothing to copy across */
  ping(): Promise<true>;
  /** changes settings; the world is re-seeded at the next load */
  configure(settings: Partial<EngineSettings>): Promise<Outcome<EngineSettings>>;

  /** assembles without loading (markers while typing) */
  assemble(req: AssembleRequest): Promise<Outcome<AssembleResult>>;
  /** assembles, creates the declared maps, and loads through BPF_PROG_LOAD (verifier included) */
  load(req: LoadRequest): Promise<Outcome<LoadResult>>;

  /** starts a debug run of the loaded program, paused before its first instruction */
  debugStart(input: RunInput): Promise<Outcome<DebugUpdate>>;
  /** executes `count` instructions (default 1), stopping early at the end of the run */
  step(count?: number): Promise<Outcome<DebugUpdate>>;
  /** undoes `count` instructions (default 1): registers, memory, maps and trace output */
  stepBack(count?: number): Promise<Outcome<DebugUpdate>>;
  /** moves to step `n` of the run, forwards or backwards */
  goto(n: number): Promise<Outcome<DebugUpdate>>;
  /** runs until a breakpoint (after at least one instruction), the end of the run, or `interrupt()` */
  continue(opts: ContinueOptions, progress?: ProgressSink): Promise<Outcome<DebugUpdate>>;
  /**
   * undoes the run so far (maps included) and starts a new one (a new runId) from `input`, or
   * from the same input as before
   */
  restart(input?: RunInput): Promise<Outcome<DebugUpdate>>;
  /** interrupts a `continue` in progress at its next chunk; it answers with state 'paused' */
  interrupt(): Promise<Outcome<null>>;
  /** ends the debug run (map changes stay, as after a real run) */
  stop(): Promise<Outcome<null>>;
  /** the current run's state */
  snapshot(): Promise<Outcome<DebugSnapshot>>;
  /**
   * moves the run to `position` (DebugSnapshot.position: steps counted across repetitions):
   * forwards from anywhere, backwards within the current repetition
   */
  seek(position: number): Promise<Outcome<DebugUpdate>>;

  maps(): Promise<Outcome<MapInfo[]>>;
  mapEntries(req: MapPageRequest): Promise<Outcome<MapPage>>;
  mapUpdate(req: MapUpdateRequest): Promise<Outcome<MapEditResult>>;
  mapDelete(req: MapDeleteRequest): Promise<Outcome<MapEditResult>>;
  /** pins stored but not restored in this kernel, with the reason (`ls /sys/fs/bpf` lists them too) */
  unavailablePins(): Promise<Outcome<UnavailablePinView[]>>;
  /** removes a stored pin that could not be restored, as `rm PATH` does (its records leave storage); the pins left */
  removeUnavailablePin(path: string): Promise<Outcome<UnavailablePinView[]>>;

  /** runs one line of the kernel's shell (bpftool, ls, cat trace_pipe, ...) */
  shell(line: string): Promise<Outcome<ShellResult>>;

  /** the loaded program's maps as its run began and the run's position, for a share link */
  shareState(): Promise<Outcome<ShareState>>;
  /** a tracepoint's raw record from the world and field values (a lesson's input as record bytes) */
  tracepointRecord(req: TracepointRecordRequest): Promise<Outcome<Uint8Array>>;
  /** reads a clang-compiled BPF object: its programs as editor text */
  readObject(req: ReadObjectRequest): Promise<Outcome<ObjectView>>;
  /** reads a pcap or pcapng capture and keeps it for `captureRun` and `capturePacket` */
  captureOpen(bytes: Uint8Array): Promise<Outcome<CaptureInfo>>;
  /**
   * runs the loaded program over every packet of the kept capture (ending any debug run), in
   * chunks so `interrupt()` and `stop()` end it early
   */
  captureRun(req: CaptureRunRequest, progress?: (p: CaptureProgress) => void): Promise<Outcome<CaptureReplay>>;
  /** packet `index` of the kept capture */
  capturePacket(index: number): Promise<Outcome<Uint8Array>>;
  /** the editor's program as hex slots, raw bytes, LLVM or ubpf text, or a run request (JSON) */
  exportProgram(req: ExportRequest): Promise<Outcome<ExportResult>>;

  /** where a register's or stack slot's value came from, along the path of one visit of the last load's walk */
  provenance(req: ProvenanceRequest): Promise<Outcome<ProvenanceView>>;
  /** the last load's control-flow graph with the verifier's exploration over it */
  exploration(): Promise<Outcome<ExplorationView>>;
  /**
   * for a refused program: searches an input (packet, context, map contents) that drives the
   * refused path to the refused instruction with the verifier off, within `timeMs`
   */
  searchRun(req: RunSearchRequest): Promise<Outcome<RunSearchResult>>;
  /**
   * the search, then (if it found an input) a debug run of the program loaded without the
   * verifier on that input, stepped along the refused path and through the refused instruction
   */
  showRun(req: RunSearchRequest): Promise<Outcome<ShownRun>>;
  /** checks a program against a challenge's goals on inputs the learner does not see */
  gradeChallenge(req: GradeRequest): Promise<Outcome<GradeResult>>;
}
