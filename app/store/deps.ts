/** What the store takes from the engine's public faces (protocol types, isa data). */
export { DEFAULT_SETTINGS } from '../../src/protocol';
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
} from '../../src/protocol';
export { ProgType, PROG_TYPE_NAMES, errnoName } from '../../src/isa';
