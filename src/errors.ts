/**
 * One error root for everything a user can be told about. Each error has a stable `code`,
 * a message written for the person running the tap, an exit code, and optionally a `cause`.
 * Request and response details are attached non-enumerably so logging an error never dumps them.
 */

export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export interface TapErrorOptions {
  cause?: unknown;
  /** Text for logs/debugging that may be more technical than the user message (never secrets). */
  internalMessage?: string;
}

export abstract class TapError extends Error {
  abstract readonly code: string;
  /** Process exit code when this error ends the run. */
  readonly exitCode: number = 1;
  /** How Airbyte classifies this failure. */
  readonly failureType: FailureType = 'system_error';
  readonly internalMessage: string | undefined;

  constructor(message: string, options: TapErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.internalMessage = options.internalMessage;
  }
}

/** The user's input (config, state, catalog, arguments) is wrong. Exit code 2. */
export class ConfigError extends TapError {
  readonly code: string = 'ERR_CONFIG';
  override readonly exitCode = 2;
  override readonly failureType = 'config_error' as const;
}

export class StateError extends ConfigError {
  override readonly code = 'ERR_STATE';
}

export class CatalogError extends ConfigError {
  override readonly code = 'ERR_CATALOG';
}

/** The token endpoint refused or failed. */
export class AuthError extends TapError {
  readonly code = 'ERR_AUTH';
  override readonly failureType: FailureType;
  constructor(message: string, options: TapErrorOptions & { userFault?: boolean } = {}) {
    super(message, options);
    this.failureType = options.userFault ? 'config_error' : 'system_error';
  }
}

/** An HTTP request to the API failed for good (non-retryable status, or retries exhausted). */
export class HttpError extends TapError {
  readonly code: string = 'ERR_HTTP';
  declare readonly statusCode: number | undefined;
  override readonly failureType: FailureType;
  constructor(message: string, statusCode: number | undefined, options: TapErrorOptions & { transient?: boolean; userFault?: boolean } = {}) {
    super(message, options);
    Object.defineProperty(this, 'statusCode', { value: statusCode, enumerable: false });
    this.failureType = options.userFault ? 'config_error' : options.transient ? 'transient_error' : 'system_error';
  }
}

/**
 * A response grew past max_response_mb and its download was stopped. Not retried: the same request gets the same
 * answer, so another attempt would only fetch the cap again. The run fails (exit code 1, the config itself is valid)
 * as a config_error for Airbyte: the remedy is the user's (max_response_mb, page_size), not a later retry of the sync.
 */
export class ResponseTooLargeError extends HttpError {
  override readonly code = 'ERR_RESPONSE_TOO_LARGE';
  constructor(message: string, statusCode: number) {
    super(message, statusCode, { userFault: true });
  }
}

/** The API answered, but with something the tap cannot use (bad JSON, missing data, looping pages, bad records). */
export class ApiDataError extends TapError {
  readonly code = 'ERR_API_DATA';
}

/** stdout was closed by the reader (the target died). */
export class OutputClosedError extends TapError {
  readonly code = 'ERR_OUTPUT_CLOSED';
}

/** The run was interrupted by a signal. */
export class InterruptedError extends TapError {
  readonly code = 'ERR_INTERRUPTED';
  override readonly exitCode = 130;
}

export function isTapError(err: unknown): err is TapError {
  return err instanceof TapError;
}
