/**
 * The connector's one error taxonomy. Every failure a user can see is one of three kinds;
 * the protocol layer maps the kind to Airbyte's failure_type, CONNECTION_STATUS and the exit code
 * (src/protocol/failure.ts), so nothing else in the code decides those.
 */
export type ErrorKind = 'config' | 'system' | 'transient';

export interface ConnectorErrorOptions {
  /** Detail for engineers (Airbyte's internal_message); the user message stays short. */
  internalMessage?: string;
  cause?: unknown;
}

export abstract class ConnectorError extends Error {
  abstract readonly kind: ErrorKind;
  readonly internalMessage: string | undefined;

  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.internalMessage = options.internalMessage;
  }
}

/** The user must change the configuration, the catalog or the state; retrying is useless. */
export class ConfigError extends ConnectorError {
  readonly kind = 'config';
}

/** A defect or an unexpected answer: the platform may retry, engineers should look. */
export class SystemError extends ConnectorError {
  readonly kind = 'system';
}

/** Likely to pass later without any change (outage, throttling, spent daily quota). */
export class TransientError extends ConnectorError {
  readonly kind = 'transient';
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
