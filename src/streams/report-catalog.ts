import {
  partitionField,
  type ExcludedReport,
  type ReportDefinition,
  type ReportFacts,
  type ReportKind,
  type ReportParameter,
} from './report-definition.js';
import type { ReportOverride } from './report-overrides.js';

/** The stream definitions and the reports left out, as `scripts/generate-streams.mjs` commits them. */
export interface ReportCatalog {
  definitions: ReportDefinition[];
  excluded: ExcludedReport[];
}

const SUGGESTED_KINDS: Record<ReportFacts['kind_suggested'], ReportKind> = {
  event: 'event',
  'time-bucketed aggregate': 'time_bucketed',
  'range aggregate': 'range_aggregate',
};

const PARAMETERS: readonly ReportParameter[] = ['skill_id', 'agent_id', 'campaign_id', 'cod_act'];

/** Names of fields that hold "YYYY-MM-DD HH:MM:SS" timestamps in event reports (they get typed twins). */
export const TIMESTAMP_FIELD_NAMES: readonly string[] = [
  'date',
  'date_ini',
  'date_end',
  'date_creation',
  'close_date',
  'start_date',
  'end_date',
  'date_inbound_call',
  'date_last_outbound_call',
  'end_date_rp',
  'date_preview',
  'last_update',
];

/** Connector-added fields; a report declaring one of them would clash. */
const ADDED_FIELDS = ['id', 'report_date', 'bucket'];

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function parameterOf(facts: ReportFacts, override: ReportOverride): ReportParameter {
  if (override.parameter) return override.parameter.parameter;
  const known = facts.extra_params.filter((name) => (PARAMETERS as readonly string[]).includes(name));
  const unknown = facts.extra_params.filter((name) => !known.includes(name));
  if (unknown.length > 0 || known.length > 1)
    throw new Error(`${facts.api}: parameters ${facts.extra_params.join(', ')} need an override.`);
  return (known[0] as ReportParameter | undefined) ?? 'none';
}

function timestampOf(facts: ReportFacts, override: ReportOverride): string {
  if (override.timestamp) return override.timestamp.field;
  const match = /^row timestamp: (\w+)$/.exec(facts.note);
  if (!match) throw new Error(`${facts.api}: no row timestamp in note "${facts.note}"; add an override.`);
  return match[1] as string;
}

/** One report's definition; throws when the facts and the override do not fit together. */
function defineReport(facts: ReportFacts, override: ReportOverride): ReportDefinition {
  const { api } = facts;
  const kind = override.kind?.kind ?? SUGGESTED_KINDS[facts.kind_suggested];
  const documented = facts.documented_fields.map((field) => field.name);
  const fields = unique([...documented, ...(facts.example_keys ?? [])]);
  const declared = new Set(fields);
  const nestedArrays = facts.nested_in_example ?? {};
  const parameter = parameterOf(facts, override);
  const problems: string[] = [];
  const requireDeclared = (what: string, names: readonly string[]) => {
    for (const name of names) if (!declared.has(name)) problems.push(`${what} ${name} is not a field`);
  };
  for (const name of ADDED_FIELDS) if (declared.has(name)) problems.push(`declares connector field ${name}`);
  const aliases = override.aliases ?? {};
  requireDeclared('alias', [...Object.keys(aliases), ...Object.values(aliases)]);

  let timestampField: string | null = null;
  let timestampNestedIn: string | null = null;
  let timestampFields: string[] = [];
  if (kind === 'event') {
    timestampField = timestampOf(facts, override);
    timestampNestedIn = override.timestamp?.nestedIn ?? null;
    if (timestampNestedIn !== null && !nestedArrays[timestampNestedIn]?.includes(timestampField))
      problems.push(`${timestampNestedIn}[].${timestampField} is not nested in the example`);
    requireDeclared('timestamp', [timestampField]);
    timestampFields = fields.filter((name) => TIMESTAMP_FIELD_NAMES.includes(name));
  }
  const bucket = override.bucket;
  if ((kind === 'time_bucketed') !== (bucket !== undefined))
    problems.push(kind === 'time_bucketed' ? 'needs a bucket' : 'has a bucket but is not time-bucketed');
  requireDeclared('bucket', bucket?.fields ?? []);
  const groupFields = override.group ?? [];
  if (kind !== 'event' && override.group === undefined && kind !== 'time_bucketed')
    problems.push('a range aggregate needs its group fields');
  if (kind === 'event' && override.group !== undefined) problems.push('an event report has no group fields');
  requireDeclared('group', groupFields);
  if (problems.length > 0) throw new Error(`${api}: ${problems.join('; ')}.`);

  const partition = partitionField(parameter);
  const partitionKey = partition === null ? [] : [[partition]];
  const primaryKey =
    kind === 'event'
      ? [['id'], ...partitionKey]
      : [
          ['report_date'],
          ...(kind === 'time_bucketed' ? [['bucket']] : []),
          ...groupFields.map((field) => [field]),
          ...partitionKey,
        ];
  return {
    report: api,
    stream: override.stream,
    kind,
    description: `${api}: ${override.about} (Wolkvox Reports Manager "${facts.title_es}")`,
    parameter,
    fields,
    exampleKeys: facts.example_keys,
    nestedArrays,
    timestampField,
    timestampNestedIn,
    timestampFields,
    bucketFields: bucket?.fields ?? [],
    bucketUnit: bucket?.unit ?? null,
    groupFields,
    aliases,
    cursorField: kind === 'event' ? [timestampField as string] : ['report_date'],
    primaryKey,
  };
}

/**
 * Every report of the facts file as a definition, or as an exclusion with its reason, in the facts'
 * order. Throws when a report has no override, an override names no report, two streams share a
 * name or a stream name is not snake_case, or an override does not fit its report's fields.
 */
export function buildReportCatalog(
  facts: readonly ReportFacts[],
  overrides: Readonly<Record<string, ReportOverride>>,
): ReportCatalog {
  const definitions: ReportDefinition[] = [];
  const excluded: ExcludedReport[] = [];
  for (const report of facts) {
    const override = overrides[report.api];
    if (!override) throw new Error(`${report.api}: no entry in REPORT_OVERRIDES.`);
    if (override.excluded !== undefined) {
      excluded.push({
        report: report.api,
        parameter: report.extra_params.join(','),
        reason: override.excluded,
      });
    } else {
      definitions.push(defineReport(report, override));
    }
  }
  const reports = new Set(facts.map((report) => report.api));
  const stray = Object.keys(overrides).filter((api) => !reports.has(api));
  if (stray.length > 0) throw new Error(`Overrides for reports not in the facts file: ${stray.join(', ')}.`);
  const names = definitions.map((definition) => definition.stream);
  const clashes = names.filter((name, index) => names.indexOf(name) !== index);
  if (clashes.length > 0) throw new Error(`Stream names used twice: ${clashes.join(', ')}.`);
  const badNames = names.filter((name) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name));
  if (badNames.length > 0) throw new Error(`Stream names not in snake_case: ${badNames.join(', ')}.`);
  return { definitions, excluded };
}

/** The TypeScript module `src/streams/report-definitions.ts` (before prettier formats it). */
export function renderDefinitionsModule(catalog: ReportCatalog): string {
  return [
    '// Generated by scripts/generate-streams.mjs from reports-manager.json and report-overrides.ts.',
    '// Do not edit: change the overrides (or the facts) and run `npm run generate:streams`.',
    "import type { ExcludedReport, ReportDefinition } from './report-definition.js';",
    '',
    '/** One definition per Reports Manager report that is a stream, in the order of the facts file. */',
    `export const REPORT_DEFINITIONS: readonly ReportDefinition[] = ${JSON.stringify(catalog.definitions)};`,
    '',
    '/** Reports of the facts file that are not streams, and why. */',
    `export const EXCLUDED_REPORTS: readonly ExcludedReport[] = ${JSON.stringify(catalog.excluded)};`,
    '',
  ].join('\n');
}

const KIND_LABELS: Record<ReportKind, string> = {
  event: 'event',
  time_bucketed: 'time-bucketed',
  range_aggregate: 'range aggregate',
};

function code(values: readonly string[]): string {
  return values.map((value) => `\`${value}\``).join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** `docs/streams.md` (before prettier formats it): every stream, the exclusions and the kind corrections. */
export function renderStreamsDoc(
  catalog: ReportCatalog,
  facts: readonly ReportFacts[],
  overrides: Readonly<Record<string, ReportOverride>>,
): string {
  const lines = [
    '# Streams',
    '',
    '<!-- Generated by scripts/generate-streams.mjs (npm run generate:streams). Do not edit by hand. -->',
    '',
    `Every report of the Wolkvox Reports Manager has a stream definition: ${catalog.definitions.length} ` +
      `streams for ${facts.length} reports (${catalog.excluded.length} excluded, see below), generated ` +
      "from `src/streams/reports-manager.json` and `src/streams/report-overrides.ts`. Each stream's " +
      'schema `description` starts with its report id and a colon. Timestamps of event rows get a ' +
      "`<field>_at` twin (with the time zone's offset) and a `<field>_local` twin (wall clock).",
    '',
    '- **event**: one row per thing that happened; incremental on its timestamp, primary key `id` (a hash ' +
      'of the row) plus the partition.',
    '- **time-bucketed**: aggregate rows per bucket; read one local day per call, primary key ' +
      '`report_date`, `bucket`, the group fields and the partition.',
    '- **range aggregate**: one row per group over the day read; primary key `report_date`, the group fields ' +
      'and the partition.',
    '- **parameter**: the stream is read once per configured value (a partition); the value is added to ' +
      'each record as `requested_<parameter>`.',
    '',
    '| stream | report | kind | cursor | primary key | parameter |',
    '| --- | --- | --- | --- | --- | --- |',
    ...catalog.definitions.map(
      (definition) =>
        `| \`${definition.stream}\` | \`${definition.report}\` | ${KIND_LABELS[definition.kind]} | ` +
        `${code(definition.cursorField)} | ${code(definition.primaryKey.map((path) => path.join('.')))} | ` +
        `${definition.parameter === 'none' ? '' : `\`${definition.parameter}\``} |`,
    ),
    '',
    '## Excluded reports',
    '',
    '| report | parameter | reason |',
    '| --- | --- | --- |',
    ...catalog.excluded.map(
      (report) => `| \`${report.report}\` | \`${report.parameter}\` | ${cell(report.reason)} |`,
    ),
    '',
    '## Where the definitions differ from the suggested kind or parameters',
    '',
    'The facts file suggests a kind and lists extra parameters for each report. Each suggestion was ' +
      'checked against the report\u2019s fields; these are the disagreements.',
    '',
    '| report | suggested | chosen | reason |',
    '| --- | --- | --- | --- |',
  ];
  for (const report of facts) {
    const override = overrides[report.api];
    if (override?.kind)
      lines.push(
        `| \`${report.api}\` | ${report.kind_suggested} | ${KIND_LABELS[override.kind.kind]} | ${cell(override.kind.reason)} |`,
      );
    if (override?.parameter)
      lines.push(
        `| \`${report.api}\` | parameters ${code(report.extra_params)} | parameter ${override.parameter.parameter} | ${cell(override.parameter.reason)} |`,
      );
  }
  lines.push('', '## Remarks on individual reports', '', '| report | remark |', '| --- | --- |');
  for (const report of facts) {
    const remark = overrides[report.api]?.remark;
    if (remark !== undefined) lines.push(`| \`${report.api}\` | ${cell(remark)} |`);
  }
  lines.push('');
  return lines.join('\n');
}
