import { SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { createRoster } from './agents.js';
import { businessSecondOfDay, weekdayFactor } from './daily-curve.js';
import { mixSeed, mulberry32, randomInt, roundRandomly, type Random } from './random.js';
import {
  CHANNELS,
  SKILL_RECEIVER,
  TransferStore,
  type IndexRange,
  type StoredTransfer,
} from './transfer-store.js';

/** Extra transfers spread over [start, start + seconds): a campaign, an outage backlog. */
export interface BurstSpec {
  start: LocalSeconds;
  seconds: number;
  count: number;
}

export interface DatasetOptions {
  seed: number;
  /** First second covered (LocalSeconds). */
  from: LocalSeconds;
  /** Last second covered, inclusive. */
  to: LocalSeconds;
  /** Mean transfers per day over a whole week (weekdays get more, weekends less). */
  transfersPerDay: number;
  /** Share of days with no transfers at all (holidays, closed days). Default 0. */
  quietDayRate?: number;
  bursts?: readonly BurstSpec[];
  /**
   * Transfers at 00:00:00 and 23:59:59 of every busy day, and same-second groups of three at each
   * month (and so year) boundary. Default true.
   */
  edgeRecords?: boolean;
  /** Share of interactions transferred again 1 to 3 times within the same second. Default 0.03. */
  sameSecondRate?: number;
  /** Share of interactions transferred again 30 s to 30 min later. Default 0.1. */
  followUpRate?: number;
  /** Share of transfers that go to a skill group ("SKILL", empty receiver id). Default 0.25. */
  skillRate?: number;
  /** Agents on the roster, 4 to 1,000. Default 40. */
  agentCount?: number;
}

export interface AppendOptions {
  /**
   * Spread the new transfers up to this second. Without it (or when it is not after the last
   * record) they come about one per second after the last record.
   */
  until?: LocalSeconds;
}

type Settings = Required<DatasetOptions>;

const DEFAULTS = {
  quietDayRate: 0,
  bursts: [],
  edgeRecords: true,
  sameSecondRate: 0.03,
  followUpRate: 0.1,
  skillRate: 0.25,
  agentCount: 40,
} satisfies Partial<Settings>;

const EMAIL_SHARE = 0.96;
// conn_id = day number * this + sequence of the interaction within its day: ids grow with time and
// a day's ids do not depend on which other days are generated.
const CONN_IDS_PER_DAY = 10_000_000;
/** 2^21: the creation index packed under the second in a sort key must stay below it. */
const MAX_TRANSFERS_PER_DAY = 2_097_152;

/** A transfer of one day before sorting, tagged with its interaction until conn_ids are numbered. */
interface DraftTransfer extends StoredTransfer {
  interaction: number;
}

function pickChannel(random: Random): number {
  return random() < EMAIL_SHARE ? 0 : 1 + randomInt(random, CHANNELS.length - 1);
}

/** A skill group, or an agent other than the sender (shifted by 1 to n-1 around the roster). */
function pickReceiver(random: Random, settings: Settings, sender: number): number {
  if (random() < settings.skillRate) return SKILL_RECEIVER;
  return (sender + 1 + randomInt(random, settings.agentCount - 1)) % settings.agentCount;
}

/** Builds the transfers of one day; every draw comes from the day's own seeded stream. */
class DayBuilder {
  readonly drafts: DraftTransfer[] = [];
  private interactions = 0;

  constructor(
    private readonly settings: Settings,
    private readonly random: Random,
    readonly day: number,
  ) {}

  /**
   * One interaction: a first transfer at `second`, maybe same-second hops, maybe a follow-up later
   * but not after `latest` (the end of the day, or of a burst).
   */
  interaction(second: LocalSeconds, latest: LocalSeconds, sameSecondHops?: number): void {
    const { random, settings } = this;
    const interaction = this.interactions++;
    const channel = pickChannel(random);
    const hops = sameSecondHops ?? (random() < settings.sameSecondRate ? 1 + randomInt(random, 3) : 0);
    let sender = randomInt(random, settings.agentCount);
    for (let hop = 0; hop <= hops; hop++) sender = this.hop(interaction, second, sender, channel);
    if (random() < settings.followUpRate) {
      const later = second + 30 + randomInt(random, 1800);
      if (later <= latest) this.hop(interaction, later, sender, channel);
    }
  }

  /** Adds one transfer from `sender`; returns who holds the interaction afterwards. */
  private hop(interaction: number, second: LocalSeconds, sender: number, channel: number): number {
    const { random, settings } = this;
    const receiver = pickReceiver(random, settings, sender);
    this.drafts.push({ second, connId: 0, sender, receiver, channel, interaction });
    // A skill group hands the interaction to one of its agents, who may transfer it on.
    return receiver === SKILL_RECEIVER ? randomInt(random, settings.agentCount) : receiver;
  }

  /** Adds interactions until `count` more transfers exist, at seconds drawn by `secondOf`, none after `latest`. */
  fill(count: number, latest: LocalSeconds, secondOf: () => LocalSeconds): void {
    const target = this.drafts.length + count;
    while (this.drafts.length < target) this.interaction(secondOf(), latest);
  }

  /** The day's transfers sorted by date, with conn_ids numbered by first appearance. */
  finish(): StoredTransfer[] {
    const { drafts } = this;
    if (drafts.length > MAX_TRANSFERS_PER_DAY)
      throw new RangeError(`Over ${MAX_TRANSFERS_PER_DAY} transfers in a day.`);
    // Sort keys "second, then creation order" packed in one number: a typed-array sort is many times
    // faster than sorting objects, and the creation order keeps same-second hops in sequence.
    const dayStart = this.day * SECONDS_PER_DAY;
    const keys = new Float64Array(drafts.length);
    drafts.forEach(
      (draft, index) => (keys[index] = (draft.second - dayStart) * MAX_TRANSFERS_PER_DAY + index),
    );
    keys.sort();
    // Interactions are numbered 0..n-1 in creation order; conn_ids follow first appearance in time.
    const connIdOf = new Float64Array(this.interactions);
    let nextConnId = this.day * CONN_IDS_PER_DAY + 1;
    const sorted = new Array<StoredTransfer>(drafts.length);
    for (let position = 0; position < keys.length; position++) {
      const key = keys[position] as number;
      const draft = drafts[
        key - Math.floor(key / MAX_TRANSFERS_PER_DAY) * MAX_TRANSFERS_PER_DAY
      ] as DraftTransfer;
      if (connIdOf[draft.interaction] === 0) connIdOf[draft.interaction] = nextConnId++;
      draft.connId = connIdOf[draft.interaction] as number;
      sorted[position] = draft;
    }
    return sorted;
  }
}

function isFirstOfMonth(second: LocalSeconds): boolean {
  return new Date(second * 1000).getUTCDate() === 1;
}

function buildDay(settings: Settings, day: number): StoredTransfer[] {
  const random = mulberry32(mixSeed(settings.seed, day));
  const builder = new DayBuilder(settings, random, day);
  const dayStart = day * SECONDS_PER_DAY;
  const dayEnd = dayStart + SECONDS_PER_DAY - 1;
  const quiet = random() < settings.quietDayRate;
  if (!quiet) {
    const mean = settings.transfersPerDay * weekdayFactor(day) * (0.85 + 0.3 * random());
    builder.fill(roundRandomly(random, mean), dayEnd, () => dayStart + businessSecondOfDay(random));
    if (settings.edgeRecords) {
      builder.interaction(dayStart, dayEnd, isFirstOfMonth(dayStart) ? 2 : 0);
      builder.interaction(dayEnd, dayEnd, isFirstOfMonth(dayEnd + 1) ? 2 : 0);
    }
  }
  for (const burst of settings.bursts) {
    const first = Math.max(burst.start, dayStart);
    const last = Math.min(burst.start + burst.seconds - 1, dayEnd);
    if (first > last) continue;
    const span = last - first + 1;
    const wholeDay = span === SECONDS_PER_DAY;
    builder.fill(Math.round((burst.count * span) / burst.seconds), last, () =>
      wholeDay ? dayStart + businessSecondOfDay(random) : first + randomInt(random, span),
    );
  }
  return builder.finish();
}

function validate(settings: Settings): void {
  const problems = [
    settings.to < settings.from && '`to` is before `from`',
    !(settings.transfersPerDay >= 0) && '`transfersPerDay` must be >= 0',
    !(settings.agentCount >= 4 && settings.agentCount <= 1000) && '`agentCount` must be 4 to 1,000',
    settings.bursts.some((burst) => !(burst.seconds >= 1 && burst.count >= 0)) &&
      'each burst needs seconds >= 1 and count >= 0',
  ].filter(Boolean);
  if (problems.length > 0) throw new RangeError(`Invalid dataset options: ${problems.join('; ')}.`);
}

/** A generated dataset that can grow: `append` adds "new" transfers after the last one. */
export class TransferDataset extends TransferStore {
  private readonly appendRandom: Random;

  constructor(readonly settings: Settings) {
    super(createRoster(mulberry32(mixSeed(settings.seed, 0x5eed)), settings.agentCount));
    this.appendRandom = mulberry32(mixSeed(settings.seed, 0xadd));
  }

  /**
   * Adds `count` transfers as if they had just happened. The first is a same-second re-transfer of
   * the current last record's interaction (the case a cursor "> last date" would lose); the others
   * are new interactions after it. Returns the new records' index range.
   */
  append(count: number, options: AppendOptions = {}): IndexRange {
    const start = this.size;
    if (count <= 0) return { start, end: start };
    const random = this.appendRandom;
    const anchor = this.lastSecond ?? this.settings.to;
    const last = this.size > 0 ? this.transferAt(this.size - 1) : undefined;
    const anyAgent = () => randomInt(random, this.settings.agentCount);
    const span = options.until !== undefined && options.until > anchor ? options.until - anchor : count;
    for (let index = 0; index < count; index++) {
      const continuesLast = index === 0 && last !== undefined;
      const sender = continuesLast && last.receiver !== SKILL_RECEIVER ? last.receiver : anyAgent();
      this.push({
        second: anchor + (index === 0 ? 0 : Math.max(1, Math.floor((index * span) / Math.max(1, count - 1)))),
        connId: continuesLast ? last.connId : this.maxConnId + 1,
        sender,
        receiver: pickReceiver(random, this.settings, sender),
        channel: continuesLast ? last.channel : pickChannel(random),
      });
    }
    return { start, end: this.size };
  }
}

/** Generates the dataset day by day; the same options always give the same records. */
export function generateDataset(options: DatasetOptions): TransferDataset {
  const settings: Settings = { ...DEFAULTS, ...options };
  validate(settings);
  const dataset = new TransferDataset(settings);
  const firstDay = Math.floor(settings.from / SECONDS_PER_DAY);
  const lastDay = Math.floor(settings.to / SECONDS_PER_DAY);
  for (let day = firstDay; day <= lastDay; day++) {
    for (const transfer of buildDay(settings, day)) {
      if (transfer.second >= settings.from && transfer.second <= settings.to) dataset.push(transfer);
    }
  }
  return dataset;
}
