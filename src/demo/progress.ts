import type { AirbyteMessage } from '../protocol/messages.js';
import { formatCount, formatSeconds } from './summary.js';

/** A terminal line is redrawn at most this often: redrawing per record would cost more than the read. */
const REDRAW_MS = 100;
/** Without a terminal (CI logs, pipes) a plain line this often keeps the log short. */
const PLAIN_LINE_MS = 2_000;

/**
 * Progress of one `read` on stderr, from the messages it emits: a single updating line on a
 * terminal, otherwise a few plain lines.
 */
export class ReadProgress {
  private records = 0;
  private states = 0;
  private estimate: number | undefined;
  private readonly started = Date.now();
  private lastShown = this.started;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  observe(message: AirbyteMessage): void {
    if (message.type === 'RECORD') this.records++;
    else if (message.type === 'STATE') this.states++;
    else if (message.type === 'TRACE' && message.trace.type === 'ESTIMATE') {
      this.estimate = message.trace.estimate.row_estimate;
    }
    const now = Date.now();
    if (now - this.lastShown >= (this.out.isTTY ? REDRAW_MS : PLAIN_LINE_MS)) {
      this.lastShown = now;
      this.show();
    }
  }

  /** The last figures, and the line left in place. */
  finish(): void {
    this.show();
    if (this.out.isTTY) this.out.write('\n');
  }

  private show(): void {
    const line = this.describe();
    // Cut to the terminal width: a wrapped line could not be redrawn in place.
    if (this.out.isTTY)
      this.out.write(`\r\x1b[2K${this.out.columns > 0 ? line.slice(0, this.out.columns - 1) : line}`);
    else this.out.write(`${line}\n`);
  }

  private describe(): string {
    const share =
      this.estimate === undefined || this.estimate === 0
        ? ''
        : ` (${Math.min(100, Math.floor((100 * this.records) / this.estimate))}% of ~${formatCount(this.estimate)})`;
    const elapsed = formatSeconds(Date.now() - this.started);
    return `  ${this.label}: ${formatCount(this.records)} records${share}, ${this.states} states (windows), ${elapsed}`;
  }
}
