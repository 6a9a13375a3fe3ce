import { ConnectorError, SystemError, type ErrorKind } from '../errors/index.js';
import type { AirbyteMessage, FailureType, StreamDescriptor } from './messages.js';

/** The one place where the error taxonomy meets Airbyte: failure_type and exit code per kind. */
const BY_KIND: Record<ErrorKind, { failureType: FailureType; exitCode: number }> = {
  config: { failureType: 'config_error', exitCode: 1 },
  // sysexits(3): EX_SOFTWARE and EX_TEMPFAIL, so scripts can tell a defect from "try again later".
  system: { failureType: 'system_error', exitCode: 70 },
  transient: { failureType: 'transient_error', exitCode: 75 },
};

/** Anything thrown that is not a ConnectorError is a defect: a system error with its stack. */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  return new SystemError(`Unexpected error: ${cause.message}`, { cause, internalMessage: cause.message });
}

export function exitCodeOf(error: ConnectorError): number {
  return BY_KIND[error.kind].exitCode;
}

export function isConfigError(error: ConnectorError): boolean {
  return error.kind === 'config';
}

function stackOf(error: ConnectorError): string | undefined {
  const cause =
    error.cause instanceof Error ? `\nCaused by: ${error.cause.stack ?? error.cause.message}` : '';
  return error.stack === undefined ? undefined : `${error.stack}${cause}`;
}

export function errorTraceMessage(error: ConnectorError, stream?: StreamDescriptor): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message: error.message,
        internal_message: error.internalMessage ?? error.message,
        // A config error is the user's to fix, not a defect: no stack trace to alarm them with.
        stack_trace: isConfigError(error) ? undefined : stackOf(error),
        failure_type: BY_KIND[error.kind].failureType,
        ...(stream ? { stream_descriptor: stream } : {}),
      },
    },
  };
}
