import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import type { Agent } from './agents.js';

/** One chat_9 record exactly as the API returns it: every field a string. */
export interface TransferRecord {
  conn_id: string;
  transfer_agent_id: string;
  transfer_agent_name: string;
  receiver_agent_id: string;
  receiver_agent_name: string;
  channel: string;
  date: string;
}

/** Receiver index meaning "went to a skill group": name "SKILL", empty id. */
export const SKILL_RECEIVER = 0xffff;
/** The report is documented as returning "email"; a few other values keep clients honest. */
export const CHANNELS = ['email', 'webchat', 'whatsapp'] as const;

/** One transfer as stored: agents and channel by index into the roster and CHANNELS. */
export interface StoredTransfer {
  second: LocalSeconds;
  connId: number;
  sender: number;
  receiver: number;
  channel: number;
}

/** Half-open index range [start, end) of stored transfers. */
export interface IndexRange {
  start: number;
  end: number;
}

/** First index below `count` whose second is >= `second` (or > `second` when `strictlyAfter`). */
function bound(seconds: Float64Array, count: number, second: LocalSeconds, strictlyAfter: boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const value = seconds[middle] as number;
    if (value < second || (strictlyAfter && value === second)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The index range of the first `count` (ascending) `seconds` lying between `from` and `to`, each
 * end included unless told otherwise.
 */
export function secondsRange(
  seconds: Float64Array,
  count: number,
  from: LocalSeconds,
  to: LocalSeconds,
  fromInclusive: boolean,
  toInclusive: boolean,
): IndexRange {
  const start = bound(seconds, count, from, !fromInclusive);
  const end = bound(seconds, count, to, toInclusive);
  return { start, end: Math.max(start, end) };
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

function jsonPair(key: string, value: string): string {
  return `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

/**
 * Transfers sorted by date, kept in typed-array columns: 600,000 records cost a few megabytes instead
 * of 600,000 objects, and a date range is found by binary search. Records become JSON text only while
 * a response streams, from fragments escaped once per agent.
 */
export class TransferStore {
  private seconds = new Float64Array(1024);
  private connIds = new Float64Array(1024);
  private senders = new Uint16Array(1024);
  private receivers = new Uint16Array(1024);
  private channels = new Uint8Array(1024);
  private count = 0;
  private highestConnId = 0;
  private readonly senderJson: string[];
  private readonly receiverJson: string[];
  private readonly channelJson = CHANNELS.map((channel) => jsonPair('channel', channel));
  private readonly skillJson = jsonPair('receiver_agent_id', '') + jsonPair('receiver_agent_name', 'SKILL');
  // Consecutive records mostly share a day: its "YYYY-MM-DD " is formatted once, the time by table.
  private cachedDay = Number.NaN;
  private cachedDayJson = '';

  constructor(readonly agents: readonly Agent[]) {
    this.senderJson = agents.map(
      (agent) => jsonPair('transfer_agent_id', agent.id) + jsonPair('transfer_agent_name', agent.name),
    );
    this.receiverJson = agents.map(
      (agent) => jsonPair('receiver_agent_id', agent.id) + jsonPair('receiver_agent_name', agent.name),
    );
  }

  get size(): number {
    return this.count;
  }

  get firstSecond(): LocalSeconds | undefined {
    return this.count === 0 ? undefined : this.secondAt(0);
  }

  get lastSecond(): LocalSeconds | undefined {
    return this.count === 0 ? undefined : this.secondAt(this.count - 1);
  }

  /** The largest conn_id stored, 0 when empty: new interactions take the next numbers. */
  get maxConnId(): number {
    return this.highestConnId;
  }

  /** Adds one transfer; dates must not decrease, so the store stays sorted. */
  push(transfer: StoredTransfer): void {
    const last = this.lastSecond;
    if (last !== undefined && transfer.second < last) {
      throw new Error(`Transfers must be added in date order (${transfer.second} < ${last}).`);
    }
    if (this.count === this.seconds.length) this.grow();
    const index = this.count++;
    this.seconds[index] = transfer.second;
    this.connIds[index] = transfer.connId;
    this.senders[index] = transfer.sender;
    this.receivers[index] = transfer.receiver;
    this.channels[index] = transfer.channel;
    this.highestConnId = Math.max(this.highestConnId, transfer.connId);
  }

  private grow(): void {
    const capacity = this.seconds.length * 2;
    const widen = <T extends Float64Array | Uint16Array | Uint8Array>(
      column: T,
      make: (n: number) => T,
    ): T => {
      const wider = make(capacity);
      wider.set(column);
      return wider;
    };
    this.seconds = widen(this.seconds, (n) => new Float64Array(n));
    this.connIds = widen(this.connIds, (n) => new Float64Array(n));
    this.senders = widen(this.senders, (n) => new Uint16Array(n));
    this.receivers = widen(this.receivers, (n) => new Uint16Array(n));
    this.channels = widen(this.channels, (n) => new Uint8Array(n));
  }

  secondAt(index: number): LocalSeconds {
    return this.seconds[index] as number;
  }

  /** The stored fields of one transfer (indexes, not strings). */
  transferAt(index: number): StoredTransfer {
    return {
      second: this.secondAt(index),
      connId: this.connIds[index] as number,
      sender: this.senders[index] as number,
      receiver: this.receivers[index] as number,
      channel: this.channels[index] as number,
    };
  }

  /** The transfers dated between `from` and `to`, each end included unless told otherwise. */
  range(from: LocalSeconds, to: LocalSeconds, fromInclusive = true, toInclusive = true): IndexRange {
    return secondsRange(this.seconds, this.count, from, to, fromInclusive, toInclusive);
  }

  recordAt(index: number): TransferRecord {
    const { second, connId, sender, receiver, channel } = this.transferAt(index);
    const senderAgent = this.agents[sender] as Agent;
    const receiverAgent = receiver === SKILL_RECEIVER ? undefined : this.agents[receiver];
    return {
      conn_id: String(connId),
      transfer_agent_id: senderAgent.id,
      transfer_agent_name: senderAgent.name,
      receiver_agent_id: receiverAgent?.id ?? '',
      receiver_agent_name: receiverAgent?.name ?? 'SKILL',
      channel: CHANNELS[channel] as string,
      date: formatLocal(second),
    };
  }

  /** All records dated between `from` and `to` inclusive (the whole store by default), as objects. */
  records(from = -Infinity, to = Infinity): TransferRecord[] {
    return this.recordsIn(this.range(from, to));
  }

  recordsIn({ start, end }: IndexRange): TransferRecord[] {
    const records: TransferRecord[] = [];
    for (let index = start; index < end; index++) records.push(this.recordAt(index));
    return records;
  }

  private dateJson(second: LocalSeconds): string {
    const day = Math.floor(second / SECONDS_PER_DAY);
    if (day !== this.cachedDay) {
      this.cachedDay = day;
      this.cachedDayJson = `,"date":"${formatLocal(day * SECONDS_PER_DAY).slice(0, 11)}`;
    }
    const ofDay = second - day * SECONDS_PER_DAY;
    const minutes = Math.floor(ofDay / 60);
    return `${this.cachedDayJson}${TWO_DIGITS[Math.floor(minutes / 60)]}:${TWO_DIGITS[minutes % 60]}:${TWO_DIGITS[ofDay % 60]}"`;
  }

  /** One record as JSON text, in the API's field order. */
  jsonAt(index: number): string {
    const receiver = this.receivers[index] as number;
    return (
      `{"conn_id":"${this.connIds[index] as number}"` +
      this.senderJson[this.senders[index] as number] +
      (receiver === SKILL_RECEIVER ? this.skillJson : this.receiverJson[receiver]) +
      this.channelJson[this.channels[index] as number] +
      `${this.dateJson(this.seconds[index] as number)}}`
    );
  }
}
