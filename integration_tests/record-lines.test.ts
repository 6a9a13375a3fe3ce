import { afterEach, describe, expect, it } from 'vitest';
import {
  GOLDEN_NAMES,
  protocolLines,
  readGolden,
  recordedExchange,
  serveRecorded,
  type ReplayServer,
} from '../test-support/golden-records.js';
import { runCli, writeJsonFiles } from '../test-support/run-cli.js';

/**
 * The protocol messages must not change for the same input (issue 13): the built CLI reads the
 * answers recorded in test-support/golden/ (see its README) from a replay server and prints the
 * recorded RECORD and STATE lines, byte for byte (`emitted_at` set to 0), in the recorded order.
 */

let replay: ReplayServer | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

const isRecord = (line: string) => line.startsWith('{"type":"RECORD"');

/** Lines of `a` not matched one for one in `b` (a multiset difference), at most `limit`. */
function missingFrom(a: readonly string[], b: readonly string[], limit = 5): string[] {
  const counts = new Map<string, number>();
  for (const line of b) counts.set(line, (counts.get(line) ?? 0) + 1);
  const missing: string[] = [];
  for (const line of a) {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else if (missing.length < limit) missing.push(line);
  }
  return missing;
}

/** The lines cut after each STATE: one window's RECORD lines and the STATE that closes it. */
function windows(lines: readonly string[]): string[][] {
  const cut: string[][] = [[]];
  for (const line of lines) {
    cut.at(-1)!.push(line);
    if (!isRecord(line)) cut.push([]);
  }
  return cut;
}

/** Where two windows' lines first differ, for a readable failure; undefined when they are equal. */
function firstDifference(actual: string[][], expected: string[][]): string | undefined {
  for (let index = 0; index < Math.max(actual.length, expected.length); index++) {
    const got = actual[index] ?? [];
    const want = expected[index] ?? [];
    const at = got.findIndex((line, position) => line !== want[position]);
    const position = at === -1 && got.length !== want.length ? Math.min(got.length, want.length) : at;
    if (position !== -1)
      return (
        `window ${index + 1} (closed by ${want.at(-1)?.slice(0, 160) ?? 'nothing'}), line ${position + 1}:\n` +
        `  got      ${got[position]?.slice(0, 400) ?? '(none)'}\n  recorded ${want[position]?.slice(0, 400) ?? '(none)'}`
      );
  }
  return undefined;
}

describe('RECORD and STATE lines are those recorded for the same answers', () => {
  it.each(GOLDEN_NAMES)('%s', async (name) => {
    const golden = readGolden(name);
    replay = await serveRecorded(golden.exchanges);
    const files = writeJsonFiles({
      config: { ...golden.config, base_url: replay.url },
      catalog: golden.catalog,
    });
    const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);

    expect(replay.notRecorded, 'queries the recording holds no answer for (re-record if intended)').toEqual(
      [],
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = protocolLines(run.stdout);
    const records = lines.filter(isRecord);
    const recorded = golden.lines.filter(isRecord);
    expect(records.length).toBeGreaterThan(3_000);
    expect(missingFrom(recorded, records), 'recorded RECORD lines not printed').toEqual([]);
    expect(missingFrom(records, recorded), 'printed RECORD lines not recorded').toEqual([]);
    expect(
      lines.filter((line) => !isRecord(line)),
      'STATE lines',
    ).toEqual(golden.lines.filter((line) => !isRecord(line)));
    expect(firstDifference(windows(lines), windows(golden.lines)), 'order within a window').toBeUndefined();
    expect(replay.asked, 'requests, in order').toEqual(golden.exchanges.map((exchange) => exchange.query));
  });
});

describe('the golden helpers', () => {
  it('the replay server answers recorded bytes once per recording and lists any other request', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf1, 0x22, 0x7d]); // {"a":"ñ"} in Latin-1
    const exchange = recordedExchange('/api?x=1', 200, 'application/json; charset=UTF-8', bytes);
    expect(exchange.body).toBeUndefined();
    replay = await serveRecorded([exchange]);
    const first = await fetch(`${replay.url}/api?x=1`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(Buffer.from(await first.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${replay.url}/api?x=1`)).status).toBe(400);
    expect((await fetch(`${replay.url}/api?x=2`)).status).toBe(400);
    expect(replay.notRecorded).toEqual(['/api?x=1', '/api?x=2']);
    expect(replay.asked).toEqual(['/api?x=1', '/api?x=1', '/api?x=2']);
  });

  it('protocolLines keeps RECORD and STATE lines, sets emitted_at to 0 and refuses a RECORD without it', () => {
    const record =
      '{"type":"RECORD","record":{"stream":"s","data":{"emitted_at":5},"emitted_at":1764496800123}}';
    const state = '{"type":"STATE","state":{"type":"STREAM"}}';
    const log = '{"type":"LOG","log":{"level":"INFO","message":"m"}}';
    expect(protocolLines([log, record, state, ''].join('\n'))).toEqual([
      '{"type":"RECORD","record":{"stream":"s","data":{"emitted_at":5},"emitted_at":0}}',
      state,
    ]);
    expect(() => protocolLines('{"type":"RECORD","record":{"stream":"s","data":{}}}')).toThrow(/emitted_at/);
  });
});
