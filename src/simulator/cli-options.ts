import { helpWidth, yargs } from '../cli/yargs.js';
import { isDateOnly, parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { isValidTimeZone, wallClockAt } from '../time/zone.js';
import { FAULT_KINDS, type FaultKind } from './call-stats.js';
import { presetDataset, PRESET_NAMES } from './presets.js';
import { reportDataFor } from './report-data.js';
import type { SimulatorOptions } from './server.js';

/** What the command line asks for: the simulator's options and how to report it started. */
export interface CliPlan {
  options: SimulatorOptions;
  preset: string;
  json: boolean;
  /** Whether the printed config carries end_date (only when --end was given). */
  withEndDate: boolean;
}

const USAGE = `$0 [options]

Starts a simulated Wolkvox Reports Manager API (chat_9 transfers; every report with --reports) on a
loopback port and prints a ready-to-use connector config. Control endpoints: GET /__simulator/stats, GET /__simulator/calls,
POST /__simulator/append?count=N[&until=YYYY-MM-DD HH:MM:SS], POST /__simulator/reset,
POST /__simulator/maintenance?seconds=N.`;

/** The --end bound: a date means the end of that day; no --end means the operation's "now". */
function endOfRange(text: string | undefined, now: LocalSeconds): LocalSeconds {
  if (text === undefined) return now;
  const parsed = parseLocal(text);
  if (parsed === undefined) throw new Error(`--end "${text}" is not "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS".`);
  return isDateOnly(text) ? parsed + SECONDS_PER_DAY - 1 : parsed;
}

function faultKinds(text: string): FaultKind[] {
  const kinds = text.split(',').map((kind) => kind.trim());
  const unknown = kinds.filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0)
    throw new Error(`--faults: unknown kind(s) ${unknown.join(', ')}; use ${FAULT_KINDS.join(', ')}.`);
  return kinds as FaultKind[];
}

/** Parses the simulator's command line; `nowMs` is the clock used when --end is absent. */
export async function parseCliArgs(argv: string[], nowMs = Date.now()): Promise<CliPlan> {
  const args = await yargs(argv)
    .scriptName('simulator')
    .usage(USAGE)
    .wrap(helpWidth())
    .options({
      port: { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0 = any free port)' },
      host: { type: 'string', default: '127.0.0.1' },
      preset: { choices: PRESET_NAMES, default: 'steady' as const, describe: 'Shape of the data' },
      seed: { type: 'number', default: 1, describe: 'Same seed, same data, same faults' },
      days: { type: 'number', default: 90, describe: 'Days of data, ending with --end' },
      end: { type: 'string', describe: 'Last day or time of data (default: now in --timezone)' },
      timezone: {
        type: 'string',
        default: 'America/Bogota',
        describe: "The operation's time zone (for now, and in the printed connector config)",
      },
      token: { type: 'string', describe: 'The valid wolkvox-token (default: derived from --seed)' },
      server: { type: 'string', default: '0032', describe: 'The operation server number' },
      cap: { type: 'number', default: 60_000, describe: 'Records per call before silent truncation' },
      order: { choices: ['ascending', 'descending', 'random'] as const, default: 'ascending' as const },
      'date-ini-exclusive': { type: 'boolean', default: false },
      'date-end-exclusive': { type: 'boolean', default: false },
      code: { choices: ['number', 'string', 'alternate'] as const, default: 'number' as const },
      'single-object-data': { type: 'boolean', default: false, describe: 'data as an object when 1 record' },
      'unicode-escapes': {
        type: 'boolean',
        default: false,
        describe: 'Escape non-ASCII as \\u00e9 (PHP style)',
      },
      'daily-quota': { type: 'number', describe: 'Calls before TOKEN LIMIT EXCEEDED (default unlimited)' },
      'max-simultaneous': { type: 'number', default: 2 },
      'latency-ms': { type: 'number', default: 0, describe: 'Delay before every answer' },
      'fault-rate': { type: 'number', default: 0, describe: 'Share of calls with an injected fault (0-1)' },
      faults: { type: 'string', default: FAULT_KINDS.join(','), describe: 'Fault kinds to draw from' },
      'slow-ms': { type: 'number', default: 2_000, describe: "Delay of a 'slow' fault" },
      'maintenance-rate': {
        type: 'number',
        default: 0,
        describe: 'Share of calls answered 403 (maintenance)',
      },
      reports: {
        type: 'boolean',
        default: false,
        describe: 'Serve every Reports Manager report (default: only chat_9 has data, the others answer 404)',
      },
      json: { type: 'boolean', default: false, describe: 'Print the start-up information as one JSON line' },
    })
    .strict()
    .help()
    .version(false)
    .parseAsync();

  if (!isValidTimeZone(args.timezone))
    throw new Error(`--timezone "${args.timezone}" is not an IANA time zone.`);
  const now = (): LocalSeconds => wallClockAt(args.timezone, Date.now());
  const to = endOfRange(args.end, wallClockAt(args.timezone, nowMs));
  const from = (Math.floor(to / SECONDS_PER_DAY) - Math.max(1, args.days) + 1) * SECONDS_PER_DAY;
  const dataset = presetDataset(args.preset, { seed: args.seed, from, to });
  return {
    preset: args.preset,
    json: args.json,
    withEndDate: args.end !== undefined,
    options: {
      dataset,
      reportData: args.reports ? reportDataFor(dataset) : undefined,
      seed: args.seed,
      port: args.port,
      host: args.host,
      token: args.token,
      server: args.server.replace(/^wv/i, ''),
      cap: args.cap,
      order: args.order,
      dateIniInclusive: !args['date-ini-exclusive'],
      dateEndInclusive: !args['date-end-exclusive'],
      code: args.code,
      singleObjectData: args['single-object-data'],
      unicodeEscapes: args['unicode-escapes'],
      dailyQuota: args['daily-quota'],
      maxSimultaneous: args['max-simultaneous'],
      latencyMs: args['latency-ms'],
      faults: { rate: args['fault-rate'], kinds: faultKinds(args.faults), slowMs: args['slow-ms'] },
      maintenanceRate: args['maintenance-rate'],
      // Data ending "now" keeps growing with it: appends without `until` land up to the current time.
      localNow: args.end === undefined ? now : undefined,
      timezone: args.timezone,
    },
  };
}
