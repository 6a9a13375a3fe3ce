import { configuredCatalog } from '../src/demo/run-cli.js';
import { TRANSFER_FIELDS } from '../src/streams/transfers.js';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { ANSWERS, errorBody, successBodyStart, SUCCESS_BODY_END } from '../src/simulator/envelope.js';
import { generateDataset } from '../src/simulator/dataset.js';
import { reportDataFor } from '../src/simulator/report-data.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/simulator/server.js';
import { parseLocal, type LocalSeconds } from '../src/time/local-time.js';
import {
  protocolLines,
  recordedExchange,
  writeGolden,
  type GoldenDataset,
  type GoldenName,
  type RecordedExchange,
} from './golden-records.js';
import { serveLocally, type LocalServer } from './local-server.js';
import { messagesOfType, runCli, writeJsonFiles } from './run-cli.js';

/**
 * Records the golden datasets of integration_tests/record-lines.test.ts (run by
 * `npm run record:golden`, which builds first and loads this file through vite; see
 * test-support/golden/README.md). Each dataset: an upstream (the simulator, or hand-written bodies
 * for rows the simulator never writes) behind a recording proxy, the built CLI's `discover` and
 * `read` through the proxy, the read run a second time to prove its output does not vary, and the
 * answers and the RECORD / STATE lines written to test-support/golden/{name}.json.gz.
 */

/** A fake token, the same in recording and replay: masking applies to it on every line. */
export const GOLDEN_TOKEN = 'golden-token-7c1e9a42';

const at = (text: string): LocalSeconds => {
  const seconds = parseLocal(text);
  if (seconds === undefined) throw new Error(`bad date ${text}`);
  return seconds;
};

interface Upstream {
  url: string;
  close(): Promise<void>;
}

interface Scenario {
  name: GoldenName;
  description: string;
  /** Config fields besides the token and base_url. */
  config: Record<string, unknown>;
  streams: string[];
  start(): Promise<Upstream>;
}

/** A simulator in `--reports` mode over [from, to], with `options` (cap, order, escapes...). */
function reportsSimulator(
  seed: number,
  from: string,
  to: string,
  dataset: { transfersPerDay: number; bursts: { start: string; seconds: number; count: number }[] },
  reports: { eventsPerDay: number; denseReports: Record<string, number> },
  options: Partial<SimulatorOptions>,
): () => Promise<RunningSimulator> {
  return () => {
    const transfers = generateDataset({
      seed,
      from: at(from),
      to: at(to),
      transfersPerDay: dataset.transfersPerDay,
      bursts: dataset.bursts.map((burst) => ({ ...burst, start: at(burst.start) })),
    });
    return startSimulator({
      dataset: transfers,
      reportData: reportDataFor(transfers, reports),
      seed,
      token: GOLDEN_TOKEN,
      ...options,
    });
  };
}

/** A chat_9 row written as JSON text by JSON.stringify (the simulator's form), for filler rows. */
function plainTransfer(values: string[]): string {
  return JSON.stringify(Object.fromEntries(TRANSFER_FIELDS.map((key, index) => [key, values[index]])));
}

/** Byte that is not UTF-8: a Latin-1 "ñ" sent raw inside a UTF-8 body. */
const INVALID_UTF8 = Buffer.from([0xf1]);

/**
 * chat_9 on 2026-11-01 (America/New_York falls back at 02:00: 01:00-01:59 happens twice), every row
 * written by hand as the API or a proxy might send it, between filler rows that take the body past
 * 1 MiB (the decoder streams such bodies instead of parsing them whole). `{INVALID}` marks where a
 * byte that is not UTF-8 goes.
 */
function adversarialTransfers(): Buffer {
  const token = GOLDEN_TOKEN;
  const rows = [
    // Plain, then the same row again byte for byte (second occurrence).
    '{"conn_id":"700001","transfer_agent_id":"1001","transfer_agent_name":"Ana Ruiz","receiver_agent_id":"1002","receiver_agent_name":"Luis Mora","channel":"chat","date":"2026-11-01 00:00:00"}',
    '{"conn_id":"700001","transfer_agent_id":"1001","transfer_agent_name":"Ana Ruiz","receiver_agent_id":"1002","receiver_agent_name":"Luis Mora","channel":"chat","date":"2026-11-01 00:00:00"}',
    // Raw UTF-8 accents and an emoji in the repeated hour, then the same values as \u escapes
    // (upper- and lower-case hex, a surrogate pair): equal once parsed, so the second occurrence.
    '{"conn_id":"700002","transfer_agent_id":"1003","transfer_agent_name":"José Ñúñez 😀","receiver_agent_id":"1004","receiver_agent_name":"María Gómez","channel":"whatsapp","date":"2026-11-01 01:30:00"}',
    '{"conn_id":"700002","transfer_agent_id":"1003","transfer_agent_name":"Jos\\u00e9 \\u00D1\\u00fa\\u00f1ez \\ud83d\\ude00","receiver_agent_id":"1004","receiver_agent_name":"Mar\\u00eda G\\u00f3mez","channel":"whatsapp","date":"2026-11-01 01:30:00"}',
    // Quotes, backslashes, an escaped slash, an escaped key.
    '{"conn\\u005fid":"700003","transfer_agent_id":"1005","transfer_agent_name":"O\\"Brien \\\\ \\"Jr\\"","receiver_agent_id":"1006","receiver_agent_name":"C:\\\\colas\\\\ventas","channel":"chat\\/web","date":"2026-11-01 01:45:10"}',
    // Control-character escapes, a raw U+2028, a lone surrogate, NUL.
    '{"conn_id":"700004","transfer_agent_id":"1007","transfer_agent_name":"line\\nbreak\\ttab\\r\\b\\f\\u0001\\u001f end","receiver_agent_id":"1008","receiver_agent_name":"sep\u2028para \\ud800 nul\\u0000","channel":"email","date":"2026-11-01 01:59:59"}',
    // Numbers, null and booleans where strings are expected.
    '{"conn_id":700005,"transfer_agent_id":1.50,"transfer_agent_name":null,"receiver_agent_id":-0,"receiver_agent_name":true,"channel":12345678901234567890,"date":"2026-11-01 02:15:00"}',
    '{"conn_id":7e3,"transfer_agent_id":false,"transfer_agent_name":["a","b"],"receiver_agent_id":{"k":"v"},"receiver_agent_name":1E-7,"channel":"chat","date":"2026-11-01 02:15:00"}',
    // Empty values: "", blanks, "-"; a transfer to a skill group.
    '{"conn_id":"700006","transfer_agent_id":"","transfer_agent_name":" ","receiver_agent_id":"-","receiver_agent_name":"SKILL","channel":"   ","date":"2026-11-01 03:00:00"}',
    // Undeclared fields, two named like fields the connector adds; a missing field (channel).
    '{"conn_id":"700007","transfer_agent_id":"1009","transfer_agent_name":"Eva","receiver_agent_id":"1010","receiver_agent_name":"Ian","date":"2026-11-01 03:10:00","queue":"ventas","id":"api-id-1","transferred_at":"x"}',
    // Duplicate keys in one object (JSON.parse keeps the last).
    '{"conn_id":"700008","conn_id":"700009","transfer_agent_id":"1011","transfer_agent_name":"Dup","receiver_agent_id":"1012","receiver_agent_name":"Dup","channel":"chat","channel":"voice","date":"2026-11-01 04:00:00","date":"2026-11-01 04:00:01"}',
    // The token inside values, as sent and upper-cased: masked on the line.
    `{"conn_id":"700010","transfer_agent_id":"1013","transfer_agent_name":"echo ${token}","receiver_agent_id":"1014","receiver_agent_name":"${token.toUpperCase()}","channel":"chat","date":"2026-11-01 05:00:00"}`,
    // A byte that is not UTF-8.
    '{"conn_id":"700011","transfer_agent_id":"1015","transfer_agent_name":"Pe{INVALID}a","receiver_agent_id":"1016","receiver_agent_name":"Rosa","channel":"chat","date":"2026-11-01 06:00:00"}',
    // Whitespace between every token.
    '{ "conn_id" : "700012" ,\n\t"transfer_agent_id" : "1017" , "transfer_agent_name" : "Espacios" ,\r\n "receiver_agent_id" : "1018", "receiver_agent_name" : "Tab" , "channel" : "chat" , "date" : "2026-11-01 07:00:00" }',
    // Dates: in the skipped spring hour (outside the request), missing, not a date, in the padding
    // second before the window (belongs to the window before).
    '{"conn_id":"700013","transfer_agent_id":"1019","transfer_agent_name":"Fuera","receiver_agent_id":"1020","receiver_agent_name":"Rango","channel":"chat","date":"2026-03-08 02:30:00"}',
    '{"conn_id":"700014","transfer_agent_id":"1021","transfer_agent_name":"Sin","receiver_agent_id":"1022","receiver_agent_name":"Fecha","channel":"chat","date":null}',
    '{"conn_id":"700015","transfer_agent_id":"1023","transfer_agent_name":"Iso","receiver_agent_id":"1024","receiver_agent_name":"T","channel":"chat","date":"2026-11-01T08:00:00"}',
    '{"conn_id":"700016","transfer_agent_id":"1025","transfer_agent_name":"Antes","receiver_agent_id":"1026","receiver_agent_name":"Padding","channel":"chat","date":"2026-10-31 23:59:59"}',
  ];
  // Filler: 6,000 rows through the day, identical every 1,000th (occurrences far apart).
  const filler = Array.from({ length: 6_000 }, (_, index) => {
    const second = 9 * 3600 + (index % 1000 === 999 ? index - 1 : index) * 2;
    const time = [Math.floor(second / 3600), Math.floor(second / 60) % 60, second % 60]
      .map((part) => String(part).padStart(2, '0'))
      .join(':');
    const n = index % 1000 === 999 ? index - 1 : index;
    return plainTransfer([
      String(800_000 + n),
      String(1000 + (n % 40)),
      n % 3 === 0 ? 'Sofía Peña' : 'Tomás Ibáñez',
      n % 4 === 0 ? '' : String(1040 - (n % 40)),
      n % 4 === 0 ? 'SKILL' : 'Ángela Núñez',
      'chat',
      `2026-11-01 ${time}`,
    ]);
  });
  const third = filler.length / 3;
  const all = [
    ...rows.slice(0, 6),
    ...filler.slice(0, third),
    ...rows.slice(6, 12),
    ...filler.slice(third, 2 * third),
    ...rows.slice(12),
    ...filler.slice(2 * third),
  ];
  const text = `${successBodyStart(200, all.length)}[${all.join(',')}]${SUCCESS_BODY_END}`;
  const [before, after] = text.split('{INVALID}') as [string, string];
  return Buffer.concat([Buffer.from(before, 'utf8'), INVALID_UTF8, Buffer.from(after, 'utf8')]);
}

/** chat_9 on 2026-11-02 sent as Windows-1252 (0x80 is "€"), `code` as a string. */
function windows1252Transfers(): Buffer {
  const rows = [
    '{"conn_id":"710001","transfer_agent_id":"1001","transfer_agent_name":"Begoña Muñoz","receiver_agent_id":"1002","receiver_agent_name":"Raúl Peñalosa","channel":"{EURO} promo","date":"2026-11-02 09:00:00"}',
    '{"conn_id":"710002","transfer_agent_id":"1003","transfer_agent_name":"Jos\\u00e9","receiver_agent_id":"","receiver_agent_name":"SKILL","channel":"chat","date":"2026-11-02 23:59:59"}',
  ];
  const [before, after] =
    `${successBodyStart('200', rows.length)}[${rows.join(',')}]${SUCCESS_BODY_END}`.split('{EURO}') as [
      string,
      string,
    ];
  return Buffer.concat([Buffer.from(before, 'latin1'), Buffer.from([0x80]), Buffer.from(after, 'latin1')]);
}

/** sms_details (cdr_3) on 2026-11-01: a single object as `data`, undeclared and nested fields. */
function adversarialSms(): Buffer {
  const row =
    '{"agent_id":"7","agent_name":"Ana Mar\\u00eda","date":"2026-11-01 01:20:00","destiny":"300","telephone":57300,"message":"hola \\"mundo\\"\\n\\u00bfqu\\u00e9 tal? \\ud83d\\udcac","channel":"sms","customer_id":"","conn_id":"-","campaign":{"id":"9","name":"Navidad"},"tags":["a","b"],"report_date":"x"}';
  return Buffer.from(`${successBodyStart(200, 1)}${row}${SUCCESS_BODY_END}`, 'utf8');
}

const DAY = /^(\d{8})/;

/** Answers each report with the body of the one day its range covers, else Wolkvox's 404. */
async function handWrittenApi(): Promise<LocalServer> {
  const bodies: Record<string, { contentType: string; body: Buffer }> = {
    'chat_9 20261101': { contentType: 'application/json; charset=UTF-8', body: adversarialTransfers() },
    'chat_9 20261102': {
      contentType: 'application/json; charset=windows-1252',
      body: windows1252Transfers(),
    },
    'cdr_3 20261101': { contentType: 'application/json; charset=UTF-8', body: adversarialSms() },
  };
  return serveLocally((request: IncomingMessage, response: ServerResponse) => {
    const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const ini = params.get('date_ini') ?? '';
    const end = params.get('date_end') ?? '';
    const keys = Object.keys(bodies).filter((key) => {
      const [api, day] = key.split(' ') as [string, string];
      const noon = `${day}120000`;
      return api === params.get('api') && DAY.test(ini) && ini <= noon && noon <= end;
    });
    const answer = keys.length === 1 ? bodies[keys[0]!] : undefined;
    if (answer) response.writeHead(200, { 'content-type': answer.contentType }).end(answer.body);
    else
      response
        .writeHead(404, { 'content-type': 'application/json; charset=UTF-8' })
        .end(errorBody(ANSWERS.notFound, 404));
  });
}

const SCENARIOS: Scenario[] = [
  {
    name: 'simulator-new-york',
    description:
      'Simulator --reports, seed 13, 2026-10-30..2026-11-02 in America/New_York (falls back 2026-11-01 02:00), ' +
      'cap 2,000, random order (unordered bodies), PHP-style \\u escapes; 300 transfers a day and a burst of ' +
      '2,100 in the repeated hour (2026-11-01 01:00): windows split at the cap, inside that hour too. ' +
      'Streams transfers, call_details (800 a day: split, a body over 1 MiB), chats (events), agent_states_hourly (aggregate).',
    config: {
      start_date: '2026-10-30',
      end_date: '2026-11-02',
      timezone: 'America/New_York',
      records_per_call_limit: 2_000,
    },
    streams: ['transfers', 'call_details', 'chats', 'agent_states_hourly'],
    start: reportsSimulator(
      13,
      '2026-10-30 00:00:00',
      '2026-11-02 23:59:59',
      {
        transfersPerDay: 300,
        bursts: [{ start: '2026-11-01 01:00:00', seconds: 3600, count: 2_100 }],
      },
      { eventsPerDay: 200, denseReports: { cdr_1: 800 } },
      { cap: 2_000, order: 'random', unicodeEscapes: true },
    ),
  },
  {
    name: 'simulator-santiago',
    description:
      'Simulator --reports, seed 17, 2026-04-03..2026-04-05 in America/Santiago (falls back 2026-04-05 00:00 ' +
      'to 2026-04-04 23:00), cap 1,500, descending order, raw UTF-8, code as a string, a single ' +
      'record as an object; 400 transfers a day and a burst of 1,800 in the repeated hour. ' +
      'Streams transfers, chats, sms_details (events), agent_time_by_state (range aggregate).',
    config: {
      start_date: '2026-04-03',
      end_date: '2026-04-05',
      timezone: 'America/Santiago',
      records_per_call_limit: 1_500,
    },
    streams: ['transfers', 'chats', 'sms_details', 'agent_time_by_state'],
    start: reportsSimulator(
      17,
      '2026-04-03 00:00:00',
      '2026-04-05 23:59:59',
      { transfersPerDay: 400, bursts: [{ start: '2026-04-04 23:00:00', seconds: 3600, count: 1_800 }] },
      { eventsPerDay: 150, denseReports: {} },
      { cap: 1_500, order: 'descending', code: 'string', singleObjectData: true },
    ),
  },
  {
    name: 'adversarial-rows',
    description:
      'Hand-written bodies (test-support/record-golden.ts) for rows the simulator never writes: quotes, ' +
      'backslashes, \\/ and control escapes, escaped keys, emoji and lone surrogates, the same row raw and ' +
      '\\u-escaped, numbers / null / booleans / arrays / objects as values, undeclared fields, duplicate ' +
      'keys, the token inside values, a byte that is not UTF-8, whitespace between tokens, dates missing, ' +
      'malformed or outside the request; a Windows-1252 body; a 1.1 MiB body (streamed); America/New_York ' +
      'on its fall-back day, one-day windows. Streams transfers, sms_details.',
    config: {
      start_date: '2026-11-01',
      end_date: '2026-11-02',
      timezone: 'America/New_York',
      max_window_days: 1,
    },
    streams: ['transfers', 'sms_details'],
    start: handWrittenApi,
  },
];

/** Pins what influences the output besides the scenario's fields (one request at a time, no retries). */
const PINNED = {
  wolkvox_server: '0032',
  wolkvox_token: GOLDEN_TOKEN,
  max_concurrent_requests: 1,
  max_retries: 0,
  settle_window_minutes: 15,
  lookback_window_minutes: 0,
};

/** A proxy to `upstream` that records every answer (query, status, Content-Type, body bytes) in order. */
async function recordingProxy(upstream: string, exchanges: RecordedExchange[]): Promise<LocalServer> {
  return serveLocally((request, response) => {
    const query = request.url ?? '/';
    const forward = httpRequest(`${upstream}${query}`, { headers: request.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const contentType = answer.headers['content-type'];
        exchanges.push(recordedExchange(query, answer.statusCode ?? 0, contentType, body));
        response.writeHead(answer.statusCode ?? 502, contentType ? { 'content-type': contentType } : {});
        response.end(body);
      });
    });
    forward.on('error', (error) => response.destroy(error));
    forward.end();
  });
}

async function discoverCatalog(config: object, streams: string[]): Promise<unknown> {
  const files = writeJsonFiles({ config });
  const run = await runCli(['discover', '--config', files.config!]);
  if (run.exitCode !== 0) throw new Error(`discover failed: ${run.stderr}`);
  const discovered = messagesOfType(run, 'CATALOG')[0]!.catalog.streams;
  return configuredCatalog(discovered, streams, (name) => new Error(`${name} not discovered`));
}

/** Runs `read` through a fresh recording proxy; returns the answers and the normalised lines. */
async function recordRead(
  upstream: Upstream,
  config: Record<string, unknown>,
  catalog: unknown,
): Promise<{ exchanges: RecordedExchange[]; lines: string[] }> {
  const exchanges: RecordedExchange[] = [];
  const proxy = await recordingProxy(upstream.url, exchanges);
  try {
    const files = writeJsonFiles({ config: { ...config, base_url: proxy.url }, catalog });
    const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
    if (run.exitCode !== 0) throw new Error(`read failed (${run.exitCode}): ${run.stderr}`);
    return { exchanges, lines: protocolLines(run.stdout) };
  } finally {
    await proxy.close();
  }
}

async function record(scenario: Scenario): Promise<GoldenDataset> {
  const config = { ...PINNED, ...scenario.config };
  const upstream = await scenario.start();
  try {
    const catalog = await discoverCatalog({ ...config, base_url: upstream.url }, scenario.streams);
    const first = await recordRead(upstream, config, catalog);
    const second = await recordRead(upstream, config, catalog);
    if (JSON.stringify(first) !== JSON.stringify(second))
      throw new Error(`${scenario.name}: two reads of the same data differ; the dataset would not be stable`);
    return { name: scenario.name, description: scenario.description, config, catalog, ...first };
  } finally {
    await upstream.close();
  }
}

/** Records every scenario and prints what each holds. */
export async function recordGolden(): Promise<void> {
  for (const scenario of SCENARIOS) {
    const dataset = await record(scenario);
    writeGolden(dataset);
    const records = dataset.lines.filter((line) => line.startsWith('{"type":"RECORD"')).length;
    const streamed = dataset.exchanges.filter(
      (exchange) => (exchange.body ?? exchange.bodyBase64 ?? '').length > 1024 * 1024,
    ).length;
    console.log(
      `${scenario.name}: ${dataset.exchanges.length} answers (${streamed} over 1 MiB), ${records} RECORD lines, ` +
        `${dataset.lines.length - records} STATE lines`,
    );
  }
}
