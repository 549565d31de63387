/**
 * Session: one user's world behind the EngineApi. It owns a simulated kernel, the loaded
 * program and at most one debug run, and answers every request with plain data. The worker
 * exposes it; Node tests and the CLI call it directly.
 *
 * Until an engine module has landed, the requests that need it answer `unavailable` naming the
 * module: never a made-up result.
 */
import {
  DEFAULT_SETTINGS,
  PROTOCOL_VERSION,
  fail,
  done,
  type AssembleRequest,
  type AssembleResult,
  type ContinueOptions,
  type DebugSnapshot,
  type DebugUpdate,
  type EngineApi,
  type EngineModule,
  type EngineSettings,
  type Hello,
  type LoadRequest,
  type LoadResult,
  type MapDeleteRequest,
  type MapEditResult,
  type MapInfo,
  type MapPage,
  type MapPageRequest,
  type MapUpdateRequest,
  type Outcome,
  type ProgressSink,
  type RunInput,
  type ShellResult,
} from '../protocol';
import { checkSettings } from './settings';

/** Which engine modules this build wires (flipped to true as each lands in main). */
export const MODULES: Record<EngineModule, boolean> = {
  asm: false,
  kernel: false,
  verifier: false,
  vm: false,
  run: false,
  shell: false,
};

const unavailable = <T>(module: EngineModule, what: string): Outcome<T> =>
  fail('unavailable', `${what} is not available yet: the ${module} module has not landed in this build`, module);

export interface SessionOptions {
  settings?: Partial<EngineSettings>;
}

export class Session implements EngineApi {
  private settings: EngineSettings;

  constructor(opts: SessionOptions = {}) {
    this.settings = { ...DEFAULT_SETTINGS, ...opts.settings };
  }

  async hello(): Promise<Hello> {
    return { protocol: PROTOCOL_VERSION, modules: { ...MODULES }, settings: { ...this.settings } };
  }

  async configure(patch: Partial<EngineSettings>): Promise<Outcome<EngineSettings>> {
    const next = { ...this.settings, ...patch };
    const problem = checkSettings(next);
    if (problem) return fail('bad_request', problem);
    this.settings = next;
    return done({ ...next });
  }

  async assemble(_req: AssembleRequest): Promise<Outcome<AssembleResult>> {
    return unavailable('asm', 'Assembling');
  }

  async load(_req: LoadRequest): Promise<Outcome<LoadResult>> {
    return unavailable('asm', 'Loading');
  }

  async debugStart(_input: RunInput): Promise<Outcome<DebugUpdate>> {
    return unavailable('vm', 'Debugging');
  }

  async step(_count = 1): Promise<Outcome<DebugUpdate>> {
    return unavailable('vm', 'Stepping');
  }

  async stepBack(_count = 1): Promise<Outcome<DebugUpdate>> {
    return unavailable('vm', 'Stepping back');
  }

  async goto(_n: number): Promise<Outcome<DebugUpdate>> {
    return unavailable('vm', 'Moving to a step');
  }

  async continue(_opts: ContinueOptions, _progress?: ProgressSink): Promise<Outcome<DebugUpdate>> {
    return unavailable('vm', 'Running');
  }

  async restart(): Promise<Outcome<DebugUpdate>> {
    return unavailable('vm', 'Restarting');
  }

  async interrupt(): Promise<Outcome<null>> {
    return done(null);
  }

  async stop(): Promise<Outcome<null>> {
    return done(null);
  }

  async snapshot(): Promise<Outcome<DebugSnapshot>> {
    return fail('no_run', 'no debug run: start one with Step or Run');
  }

  async maps(): Promise<Outcome<MapInfo[]>> {
    return unavailable('kernel', 'The map list');
  }

  async mapEntries(_req: MapPageRequest): Promise<Outcome<MapPage>> {
    return unavailable('kernel', 'Reading maps');
  }

  async mapUpdate(_req: MapUpdateRequest): Promise<Outcome<MapEditResult>> {
    return unavailable('kernel', 'Updating maps');
  }

  async mapDelete(_req: MapDeleteRequest): Promise<Outcome<MapEditResult>> {
    return unavailable('kernel', 'Deleting map entries');
  }

  async shell(_line: string): Promise<Outcome<ShellResult>> {
    return unavailable('shell', 'The shell');
  }
}
