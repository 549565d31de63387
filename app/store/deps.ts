/** What the store takes from the engine's public faces (protocol types, isa data). */
export { DEFAULT_SETTINGS, LIMITS, statesAt } from '../../src/protocol';
export type {
  DebugSnapshot,
  DebugUpdate,
  Diagnostic,
  EngineApi,
  EngineSettings,
  LoadRequest,
  LoadResult,
  MapInfo,
  Outcome,
  ProgramView,
  RunProgress,
  Syntax,
  CaptureReplay,
  ExportFormat,
  LoadSetup,
  ObjectProgramView,
  SharedSession,
  CaptureProgress,
  ExportResult,
  Hello,
  ProgTypeInfo,
  RunInput,
} from '../../src/protocol';
export { ProgType } from '../../src/isa';
