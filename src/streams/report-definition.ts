/**
 * Every Reports Manager report as data. `reports-manager.json` (beside this file) holds the facts of
 * the official Wolkvox collection; `report-overrides.ts` adds what the facts do not say (English
 * names, group fields, kind corrections); `scripts/generate-streams.mjs` combines them through
 * `buildReportCatalog` into the committed `report-definitions.ts` and `docs/streams.md`.
 */

/**
 * - event: each row is one thing that happened, with its own timestamp (incremental on it);
 * - time_bucketed: aggregate rows per bucket (day, hour, half hour, 10 minutes) inside the range;
 * - range_aggregate: one row per group over the whole range asked.
 */
export type ReportKind = 'event' | 'time_bucketed' | 'range_aggregate';

/** The query parameter a report needs besides api/date_ini/date_end; `none` when it needs none. */
export type ReportParameter = 'skill_id' | 'agent_id' | 'campaign_id' | 'cod_act' | 'none';

/** Width of a time bucket. */
export type BucketUnit = 'day' | 'hour' | 'half_hour' | 'ten_minutes';

/** One report of the facts file, as gathered from the official Wolkvox Postman collection. */
export interface ReportFacts {
  api: string;
  group: string;
  title_es: string;
  extra_params: string[];
  kind_suggested: 'event' | 'time-bucketed aggregate' | 'range aggregate';
  note: string;
  documented_fields: { name: string; doc_type: string }[];
  /** Keys of the documentation's example response; null when it has no example. */
  example_keys: string[] | null;
  /** Arrays (or objects) nested in the example rows: field name to the keys of its items. */
  nested_in_example: Record<string, string[]> | null;
}

/** A Reports Manager report as a stream. Everything the engine, the schema and the simulator need. */
export interface ReportDefinition {
  /** The Reports Manager `api` id, e.g. "chat_9". */
  report: string;
  /** Airbyte stream name: English, snake_case, unique. */
  stream: string;
  kind: ReportKind;
  /** Starts with "<report>: ", then what a row is, then Wolkvox's Spanish title. */
  description: string;
  parameter: ReportParameter;
  /**
   * Top-level fields declared by the schema, in a fixed order (the order of the event id hash):
   * the documented fields (except those only found inside a nested array), then example-only keys.
   */
  fields: string[];
  /**
   * The keys of the documentation's example row, which is what the API sends where it disagrees
   * with the documented fields (the simulator sends these); null when the docs have no example.
   */
  exampleKeys: string[] | null;
  /** Fields holding arrays of objects: field name to the keys of its items. */
  nestedArrays: Record<string, string[]>;
  /** Event reports: the field holding the row's timestamp ("YYYY-MM-DD HH:MM:SS", local). */
  timestampField: string | null;
  /** When the timestamp lives inside a nested array (chat_2): that array; the row time is its earliest. */
  timestampNestedIn: string | null;
  /** Event reports: fields that get `<field>_at` (with offset) and `<field>_local` twins. */
  timestampFields: string[];
  /** Time-bucketed reports: the fields naming the bucket, e.g. ["date", "hour"]. */
  bucketFields: string[];
  bucketUnit: BucketUnit | null;
  /** Aggregate reports: the fields that, with report_date and the bucket, identify a row. */
  groupFields: string[];
  /** Documented field name to the key the API's example sends instead (e.g. channel -> chanel). */
  aliases: Record<string, string>;
  cursorField: string[];
  primaryKey: string[][];
}

/** A report of the facts file that is not a stream, and why. */
export interface ExcludedReport {
  report: string;
  /** The parameter the API requires for it (the simulator still validates it). */
  parameter: string;
  reason: string;
}

/** The field a partitioned stream adds to each record: the parameter value the row was read with. */
export function partitionField(parameter: ReportParameter): string | null {
  return parameter === 'none' ? null : `requested_${parameter}`;
}
