import type { MessageEmitter } from '../protocol/emitter.js';
import {
  estimateMessage,
  logMessage,
  stateMessage,
  streamStatusMessage,
  type StreamStatus,
} from '../protocol/messages.js';
import type { SyncOutput } from '../sync/output.js';

/** The sync engine's output as Airbyte messages of one stream. */
export class StreamOutput implements SyncOutput {
  private running = false;

  constructor(
    private readonly emitter: MessageEmitter,
    private readonly stream: string,
  ) {}

  status(status: StreamStatus): void | Promise<void> {
    return this.emitter.emit(streamStatusMessage(this.stream, status));
  }

  recordBatch(records: readonly string[]): void | Promise<void> {
    if (!this.running) {
      // Airbyte expects RUNNING once, when the stream's first record arrives.
      this.running = true;
      void this.status('RUNNING');
    }
    return this.emitter.emitRecords(this.stream, records);
  }

  async state(streamState: Record<string, unknown>, recordCount: number): Promise<void> {
    await this.emitter.emit(stateMessage(this.stream, streamState, recordCount));
    // A checkpoint is only worth something once it is out of the process.
    await this.emitter.flush();
  }

  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void {
    void this.emitter.emit(logMessage(level, message));
  }

  estimate(rowEstimate: number): void {
    void this.emitter.emit(estimateMessage(this.stream, rowEstimate));
  }
}
