/**
 * How every answer of the engine crosses the worker boundary: a value or an `EngineError`, never
 * a thrown exception. An `EngineError` means the request could not be served at all (a request
 * that makes no sense, no program or run to act on, an internal bug); a program the verifier
 * refuses is not an engine error but a `LoadResult` whose verdict says so.
 */

type EngineErrorCode =
  /** the request is malformed or out of range */
  | 'bad_request'
  /** the request needs a loaded program and there is none */
  | 'no_program'
  /** the request needs a debug run and there is none */
  | 'no_run'
  /** a bug in the engine: reported, never swallowed */
  | 'internal';

interface EngineError {
  code: EngineErrorCode;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };

/** Wraps a value. */
export const done = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** Wraps an error. */
export const fail = <T = never>(code: EngineErrorCode, message: string): Outcome<T> => ({ ok: false, error: { code, message } });
