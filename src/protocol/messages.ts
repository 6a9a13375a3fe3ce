/** Airbyte protocol messages (the subset a source emits) and their constructors. */

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type FailureType = 'config_error' | 'system_error' | 'transient_error';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type SyncMode = 'full_refresh' | 'incremental';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface ConfiguredStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: string;
  cursor_field?: string[];
  primary_key?: string[][];
}

export interface StreamStateMessage {
  type: 'STREAM';
  stream: { stream_descriptor: StreamDescriptor; stream_state?: Record<string, unknown> };
  sourceStats?: { recordCount: number };
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: { stream: string; data: Record<string, unknown>; emitted_at: number } }
  | { type: 'STATE'; state: StreamStateMessage }
  | { type: 'LOG'; log: { level: LogLevel; message: string } }
  | { type: 'SPEC'; spec: Record<string, unknown> }
  | { type: 'CONNECTION_STATUS'; connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string } }
  | { type: 'CATALOG'; catalog: { streams: AirbyteStream[] } }
  | { type: 'TRACE'; trace: TraceBody };

/** AirbyteStreamStatusReason: why a stream is in its status (only RATE_LIMITED is emitted). */
export interface StreamStatusReason {
  type: 'RATE_LIMITED';
  /** quota_reset: when the wait should end, epoch ms. */
  rate_limited?: { quota_reset?: number };
}

export type TraceBody =
  | {
      type: 'ERROR';
      emitted_at: number;
      error: {
        message: string;
        internal_message?: string;
        stack_trace?: string;
        failure_type: FailureType;
        stream_descriptor?: StreamDescriptor;
      };
    }
  | {
      type: 'STREAM_STATUS';
      emitted_at: number;
      stream_status: {
        stream_descriptor: StreamDescriptor;
        status: StreamStatus;
        reasons?: StreamStatusReason[];
      };
    }
  | {
      type: 'ESTIMATE';
      emitted_at: number;
      estimate: { name: string; type: 'STREAM'; row_estimate: number };
    };

export const logMessage = (level: LogLevel, message: string): AirbyteMessage => ({
  type: 'LOG',
  log: { level, message },
});

export const stateMessage = (
  stream: string,
  streamState: Record<string, unknown>,
  recordCount: number,
): AirbyteMessage => ({
  type: 'STATE',
  state: {
    type: 'STREAM',
    stream: { stream_descriptor: { name: stream }, stream_state: streamState },
    sourceStats: { recordCount },
  },
});

export const streamStatusMessage = (
  stream: string,
  status: StreamStatus,
  reasons?: StreamStatusReason[],
): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'STREAM_STATUS',
    emitted_at: Date.now(),
    stream_status: { stream_descriptor: { name: stream }, status, ...(reasons ? { reasons } : {}) },
  },
});

/** RUNNING while the stream waits for the API to let it call again (the platform shows it as rate limited). */
export const rateLimitedMessage = (stream: string, quotaResetMillis: number): AirbyteMessage =>
  streamStatusMessage(stream, 'RUNNING', [
    { type: 'RATE_LIMITED', rate_limited: { quota_reset: Math.round(quotaResetMillis) } },
  ]);

export const estimateMessage = (stream: string, rowEstimate: number): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'ESTIMATE',
    emitted_at: Date.now(),
    estimate: { name: stream, type: 'STREAM', row_estimate: Math.max(0, Math.round(rowEstimate)) },
  },
});

export const connectionStatusMessage = (status: 'SUCCEEDED' | 'FAILED', message: string): AirbyteMessage => ({
  type: 'CONNECTION_STATUS',
  connectionStatus: { status, message },
});
