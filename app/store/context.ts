/**
 * What every group of actions shares: the store, the engine port, and the few helpers that turn
 * engine answers into state (notices, the terminal, revealing a line in the editor).
 */
import type { EngineApi, Hello, Outcome, ProgTypeInfo, RunInput } from './deps';
import { buildRunInput } from '../lib/input';
import type { Store } from './store';
import type { Notice, State } from './state';
import { appendTerm, type TermEntry } from './terminal';
import { lineOfPc } from './selectors';

/** What actions need of the engine: the API, and (in the page) halting and progress proxies. */
export interface EnginePort {
  api: EngineApi;
  halt?(): Promise<'interrupted' | 'restarted'>;
  progress?<T extends (p: never) => void>(fn: T): T;
}

export interface ActionContext {
  get: () => State;
  set: (patch: Partial<State>) => void;
  api: EngineApi;
  port: EnginePort;
  /** shows a notice (the same text twice shows once, newest last, at most four) */
  notify(kind: Notice['kind'], text: string): void;
  /** the value of an outcome, or undefined after reporting its error */
  value<T>(o: Outcome<T>): T | undefined;
  /** appends to the terminal */
  term(...add: TermEntry[]): void;
  revealLine(line: number): void;
  revealPc(pc: number): void;
  /** the kernel's program types (asked of the engine once, then kept in the store), or why there are none */
  progTypes(): Promise<ProgTypeInfo[] | string>;
  /** what the kernel says program type `type` is, or why there is no such type */
  progTypeInfo(type: number): Promise<ProgTypeInfo | string>;
  /** the input panel's run input for the editor's program type, or a sentence saying what is wrong */
  runInput(): Promise<RunInput | string>;
}

/**
 * The context of one group of actions. Groups made later over the same store pass the first
 * group's `notify` and `revealLine` as `shared`, so notice ids and reveal nonces stay unique.
 */
export function makeContext(store: Store, port: EnginePort, shared?: Pick<ActionContext, 'notify' | 'revealLine'>): ActionContext {
  const get = store.getState;
  const set = (patch: Partial<State>) => store.setState(patch);
  let noticeId = 0;
  let nonce = 0;

  const notify =
    shared?.notify ??
    ((kind: Notice['kind'], text: string): void => {
      const n = { id: ++noticeId, kind, text };
      set({ notices: [...get().notices.filter((x) => x.text !== text), n].slice(-4) });
    });

  const revealLine =
    shared?.revealLine ??
    ((line: number): void => {
      set({ reveal: { line, nonce: ++nonce } });
    });

  async function progTypes(): Promise<ProgTypeInfo[] | string> {
    if (get().progTypes.length) return get().progTypes;
    const h: Partial<Hello> = await port.api.hello();
    if (!Array.isArray(h.progTypes) || !h.progTypes.length) return 'the engine did not say which program types it has';
    set({ progTypes: h.progTypes });
    return h.progTypes;
  }

  async function progTypeInfo(type: number): Promise<ProgTypeInfo | string> {
    const all = await progTypes();
    if (typeof all === 'string') return all;
    return all.find((t) => t.type === type) ?? `program type ${type} is not one of the kernel's`;
  }

  return {
    get,
    set,
    progTypes,
    progTypeInfo,
    async runInput(): Promise<RunInput | string> {
      const info = await progTypeInfo(get().progType);
      return typeof info === 'string' ? info : buildRunInput(info, get().input);
    },
    api: port.api,
    port,
    notify,
    value<T>(o: Outcome<T>): T | undefined {
      if (o.ok) return o.value;
      notify('error', o.error.message);
      return undefined;
    },
    term: (...add: TermEntry[]) => set({ term: appendTerm(get().term, ...add) }),
    revealLine,
    revealPc(pc: number): void {
      const line = lineOfPc(get(), pc);
      if (line !== undefined) revealLine(line);
    },
  };
}
