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
  private readonly lines: RecordWriter;
  /** The lines' writer that first says RUNNING: Airbyte expects it once, when the first record arrives. */
  private readonly first: RecordWriter;
  private running = false;

  constructor(
    private readonly emitter: MessageEmitter,
    private readonly stream: string,
  ) {
    const lines = emitter.recordWriter(stream);
    this.lines = lines;
    this.first = {
      ...lines,
      open: () => {
        if (!this.running) {
          this.running = true;
          void this.status('RUNNING');
        }
        lines.open();
      },
    };
  }

  /** The stream's record writer: the emitter's own once the first record has said RUNNING. */
  get records(): RecordWriter {
    return this.running ? this.lines : this.first;
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
