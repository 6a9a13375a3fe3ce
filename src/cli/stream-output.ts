import type { MessageEmitter } from '../protocol/emitter.js';
import {
  estimateMessage,
  logMessage,
  stateMessage,
  streamStatusMessage,
  type StreamStatus,
} from '../protocol/messages.js';
import type { RecordWriter, SyncOutput } from '../sync/output.js';

/** The sync engine's output as Airbyte messages of one stream. */
export class StreamOutput implements SyncOutput {
  readonly records: RecordWriter;

  constructor(
    private readonly emitter: MessageEmitter,
    private readonly stream: string,
  ) {
    const lines = emitter.recordWriter(stream);
    let running = false;
    this.records = {
      open: () => {
        if (!running) {
          // Airbyte expects RUNNING once, when the stream's first record arrives.
          running = true;
          void this.status('RUNNING');
        }
        lines.open();
      },
      bytes: (source, start, end) => lines.bytes(source, start, end),
      text: (text) => lines.text(text),
      close: () => lines.close(),
    };
  }

  status(status: StreamStatus): void | Promise<void> {
    return this.emitter.emit(streamStatusMessage(this.stream, status));
  }

  endRecordBatch(): void | Promise<void> {
    return this.emitter.endRecordBatch();
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
