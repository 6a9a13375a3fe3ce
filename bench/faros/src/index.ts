import { AxiosInstance } from 'axios';
import { Command } from 'commander';
import { readFileSync } from 'fs';
import { Agent } from 'http';
import {
  AirbyteConfig,
  AirbyteLogger,
  AirbyteSourceBase,
  AirbyteSourceLogger,
  AirbyteSourceRunner,
  AirbyteSpec,
  AirbyteStreamBase,
  StreamKey,
  SyncMode,
} from 'faros-airbyte-cdk';
import { makeAxiosInstanceWithRetry } from 'faros-js-client';
import { join } from 'path';
import VError from 'verror';
import { numberCopies, toTransfer } from './record';

/** One chat_9 request: `date_ini` and `date_end` as Wolkvox takes them (YYYYmmddHHiiss, local time). */
export interface Window {
  dateIni: string;
  dateEnd: string;
}

/** resources/spec.json: the connector's connection fields, plus the windows the bench assigns. */
export interface WolkvoxConfig extends AirbyteConfig {
  readonly wolkvox_server: string;
  readonly wolkvox_token: string;
  readonly base_url: string;
  readonly timezone?: string;
  readonly windows: ReadonlyArray<Window>;
}

interface Chat9Response {
  code: number;
  data: Record<string, unknown>[];
}

const API_PATH = '/api/v2/reports_manager.php';
const DEFAULT_TIMEZONE = 'America/Bogota';
const TIMEOUT_MS = 75_000;

function resource(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, '..', 'resources', name), 'utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * The `transfers` stream: one slice per window, each fetched with axios (faros-js-client's, with
 * retries) and yielded record by record.
 */
export class Transfers extends AirbyteStreamBase {
  private readonly api: AxiosInstance;

  constructor(
    private readonly config: WolkvoxConfig,
    logger: AirbyteLogger,
  ) {
    super(logger);
    // faros-js-client's axios with its default retries (3, after 1, 2, 3 s). A new connection per
    // window: a kept-alive one sits idle while a window is delivered (several seconds), the server
    // closes it, and the next request fails once and waits for its retry; the bench would time sleeps.
    this.api = makeAxiosInstanceWithRetry(
      {
        baseURL: config.base_url,
        timeout: TIMEOUT_MS,
        httpAgent: new Agent({ keepAlive: false }),
        headers: { 'wolkvox-token': config.wolkvox_token, wolkvox_server: config.wolkvox_server },
      },
      logger.asPino(),
    );
  }

  getJsonSchema(): Record<string, unknown> {
    return JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'transfers.json'), 'utf8'),
    ) as Record<string, unknown>;
  }

  get primaryKey(): StreamKey {
    return 'id';
  }

  get cursorField(): string {
    return 'date';
  }

  async *streamSlices(): AsyncGenerator<Window> {
    for (const window of this.config.windows) yield window;
  }

  async *readRecords(
    _syncMode: SyncMode,
    _cursorField?: string[],
    streamSlice?: Window,
  ): AsyncGenerator<Record<string, string | null>> {
    if (!streamSlice) return;
    const response = await this.api.get<Chat9Response>(API_PATH, {
      params: { api: 'chat_9', date_ini: streamSlice.dateIni, date_end: streamSlice.dateEnd },
    });
    const timezone = this.config.timezone ?? DEFAULT_TIMEZONE;
    const seen = new Map<string, number>();
    for (const raw of response.data.data) yield numberCopies(toTransfer(raw, timezone), seen);
  }

  getUpdatedState(
    currentStreamState: Record<string, string>,
    latestRecord: Record<string, string | null>,
  ): Record<string, string> {
    const latest = latestRecord.date ?? '';
    const current = currentStreamState.date ?? '';
    return { date: latest > current ? latest : current };
  }
}

/** The source: spec from resources/spec.json, a config check without a call, one stream. */
export class WolkvoxSource extends AirbyteSourceBase<WolkvoxConfig> {
  get type(): string {
    return 'wolkvox';
  }

  async spec(): Promise<AirbyteSpec> {
    return new AirbyteSpec(resource('spec.json') as unknown as ConstructorParameters<typeof AirbyteSpec>[0]);
  }

  async checkConnection(config: WolkvoxConfig): Promise<[boolean, VError | undefined]> {
    if (!config.wolkvox_token || !config.wolkvox_server || !config.base_url) {
      return [false, new VError('wolkvox_server, wolkvox_token and base_url are required')];
    }
    if (!Array.isArray(config.windows)) return [false, new VError('windows must be a list')];
    return [true, undefined];
  }

  streams(config: WolkvoxConfig): AirbyteStreamBase[] {
    return [new Transfers(config, this.logger)];
  }
}

/** `spec`, `check`, `discover`, `read --config --catalog [--state]`: the CDK's own commands. */
export function mainCommand(): Command {
  const logger = new AirbyteSourceLogger();
  const source = new WolkvoxSource(logger);
  return new AirbyteSourceRunner(logger, source).mainCommand();
}
