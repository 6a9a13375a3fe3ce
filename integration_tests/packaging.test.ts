import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ConnectorSpecification } from '../src/config/spec.js';

/**
 * Packaging consistency: metadata.yaml against Airbyte's official metadata schema, and the Dockerfile's
 * entrypoint, labels and user against metadata.yaml and package.json. The schema is vendored in
 * test-support/vendor/ (source, commit and licence in its README).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const METADATA_SCHEMA_PATH = resolve(
  ROOT,
  'test-support/vendor/airbyte-metadata-schema/ConnectorMetadataDefinitionV0.ajv.json',
);

const readText = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** package.json and package-lock.json: the keys these tests read. */
interface PackageJson {
  version: string;
  license: string;
  bin: Record<string, string>;
}

/** metadata.yaml's `data` (ConnectorMetadataDefinitionV0, validated below): the keys these tests read. */
interface MetadataData {
  connectorType: string;
  connectorSubtype: string;
  dockerRepository: string;
  dockerImageTag: string;
  githubIssueLabel: string;
  license: string;
  documentationUrl: string;
  definitionId: string;
  tags: string[];
  icon: string;
  allowedHosts: { hosts: string[] };
}

/** One test of a suite of acceptance-test-config.yml (each suite uses some of these keys). */
interface AcceptanceTest {
  config_path?: string;
  status?: string;
  expect_records?: { path?: string };
  future_state?: { future_state_path?: string };
}

/** acceptance-test-config.yml: the image and the suites, by name. */
interface AcceptanceTestConfig {
  connector_image: string;
  acceptance_tests: Record<string, { tests?: AcceptanceTest[] }>;
}

const packageJson = JSON.parse(readText('package.json')) as PackageJson;
const spec = JSON.parse(readText('schemas/spec.json')) as ConnectorSpecification;
const metadata = parse(readText('metadata.yaml')) as { data: MetadataData };
const data = metadata.data;

interface DockerInstruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile: comments dropped, continuation lines joined. */
function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const match = /^(\S+)\s*(.*)$/.exec(full)!;
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  return instructions;
}

/** key=value pairs of LABEL and ENV (values may be double-quoted); also the legacy `ENV key value` form. */
function parseKeyValues(args: string, keyword: string): Record<string, string> {
  const result: Record<string, string> = {};
  const pairs = /([^\s=]+)=("(?:[^"\\]|\\.)*"|\S+)/g;
  if (keyword === 'ENV' && !/^[^\s=]+=/.test(args)) {
    const [key, ...rest] = args.split(/\s+/);
    result[key!] = rest.join(' ');
    return result;
  }
  for (const match of args.matchAll(pairs)) {
    const raw = match[2]!;
    result[match[1]!] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return result;
}

const dockerfile = parseDockerfile(readText('Dockerfile'));
const lastFrom = dockerfile.map((instruction) => instruction.keyword).lastIndexOf('FROM');
const finalStage = dockerfile.slice(lastFrom);
const collect = (keyword: string): Record<string, string> =>
  Object.assign(
    {},
    ...finalStage.filter((i) => i.keyword === keyword).map((i) => parseKeyValues(i.args, keyword)),
  ) as Record<string, string>;
const labels = collect('LABEL');
const env = collect('ENV');
const entrypointInstructions = finalStage.filter((i) => i.keyword === 'ENTRYPOINT');
const entrypoint = JSON.parse(entrypointInstructions.at(-1)?.args ?? 'null') as unknown;

describe('metadata.yaml', () => {
  it('validates against the official ConnectorMetadataDefinitionV0 schema', () => {
    expect(existsSync(METADATA_SCHEMA_PATH), `metadata schema not found at ${METADATA_SCHEMA_PATH}`).toBe(
      true,
    );
    const ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(METADATA_SCHEMA_PATH, 'utf8')) as object);
    const valid = validate(metadata);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('describes this connector consistently with package.json and the spec', () => {
    expect(data.connectorType).toBe('source');
    expect(data.connectorSubtype).toBe('api');
    // Neutral: not Airbyte's Docker Hub namespace; users add their own registry prefix.
    expect(data.dockerRepository).toBe('source-wolkvox');
    expect(data.dockerImageTag).toBe(packageJson.version);
    expect(data.githubIssueLabel).toBe(data.dockerRepository);
    expect(data.license).toBe(packageJson.license);
    expect(data.documentationUrl).toBe(spec.documentationUrl);
    expect(data.definitionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(data.tags).toContain('language:typescript');
  });

  it('names a square SVG icon that exists', () => {
    expect(data.icon).toBe('icon.svg');
    const svg = readText(data.icon);
    const viewBox = /<svg[^>]*\sviewBox="0 0 (\d+) (\d+)"/.exec(svg);
    expect(viewBox, 'icon.svg needs a viewBox').not.toBeNull();
    expect(viewBox![1]).toBe(viewBox![2]);
  });

  it('points documentationUrl at the docs page of this repository', () => {
    const match = /\/blob\/[^/]+\/(.+)$/.exec(data.documentationUrl);
    expect(match, 'documentationUrl should be a GitHub blob URL of a file in this repository').not.toBeNull();
    const docsPath = match![1]!;
    expect(existsSync(join(ROOT, docsPath)), `${docsPath} must exist`).toBe(true);
    expect(readText(docsPath)).toContain(`| ${packageJson.version} `);
  });

  it('allows the Wolkvox API hosts (wv{server}.wolkvox.com) and the optional base_url host', () => {
    const hosts = data.allowedHosts.hosts;
    const allows = (host: string): boolean =>
      hosts.some((pattern) =>
        new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^]*')}$`).test(host),
      );
    expect(allows('wv0032.wolkvox.com')).toBe(true);
    expect(allows('wv9901.wolkvox.com')).toBe(true);
    expect(allows('example.com')).toBe(false);
    // The platform substitutes ${field} with the host of that config field; the field must exist in the spec.
    for (const host of hosts) {
      for (const [, field] of host.matchAll(/\$\{([^}]+)\}/g)) {
        expect(Object.keys(spec.connectionSpecification.properties)).toContain(field);
      }
    }
  });
});

describe('Dockerfile', () => {
  it('builds from node:24-bookworm-slim', () => {
    const froms = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(froms.length).toBeGreaterThan(1); // multi-stage: the runtime stage carries no dev dependencies
    for (const from of froms) expect(from).toBe('node:24-bookworm-slim');
  });

  it('has an exec-form ENTRYPOINT with absolute paths that runs the package bin', () => {
    expect(entrypointInstructions).toHaveLength(1);
    expect(Array.isArray(entrypoint)).toBe(true);
    const parts = entrypoint as string[];
    expect(parts).toEqual(['/usr/local/bin/node', expect.any(String)]);
    for (const part of parts) expect(isAbsolute(part), `${part} must be absolute`).toBe(true);
    const bin = packageJson.bin['source-wolkvox']!;
    expect(parts[1]).toBe(`/airbyte/integration_code/${bin.replace(/^\.\//, '')}`);
  });

  it('sets AIRBYTE_ENTRYPOINT to the space-joined ENTRYPOINT', () => {
    expect(env.AIRBYTE_ENTRYPOINT).toBe((entrypoint as string[]).join(' '));
  });

  it('labels the image with metadata dockerRepository and dockerImageTag (= package.json version)', () => {
    expect(labels['io.airbyte.name']).toBe(data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(data.dockerImageTag);
    expect(labels['io.airbyte.version']).toBe(packageJson.version);
  });

  it('has one version in package.json, metadata.yaml, the label, CHANGELOG.md and the docs changelog', () => {
    const version = packageJson.version;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(readText('package-lock.json')) as PackageJson;
    const changelog = /^## (\d+\.\d+\.\d+) - (\d{4}-\d{2}-\d{2})$/m.exec(readText('CHANGELOG.md'));
    const docsRow = /^\| (\d+\.\d+\.\d+) +\| (\d{4}-\d{2}-\d{2}) /m.exec(readText('docs/wolkvox.md'));
    expect({
      lock: lock.version,
      metadata: data.dockerImageTag,
      label: labels['io.airbyte.version'],
      changelog: changelog?.[1],
      docs: docsRow?.[1],
    }).toEqual({ lock: version, metadata: version, label: version, changelog: version, docs: version });
    expect(docsRow?.[2], 'the same release date in CHANGELOG.md and the docs').toBe(changelog?.[2]);
  });

  it('runs as user airbyte, uid/gid 1000, owning /airbyte, with NODE_ENV=production', () => {
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBe('1000:1000');
    const runs = finalStage.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    // The base image's node user holds uid/gid 1000: it becomes airbyte.
    expect(runs.some((args) => /groupmod --new-name airbyte node/.test(args))).toBe(true);
    expect(runs.some((args) => /usermod --login airbyte\b.* node\b/.test(args))).toBe(true);
    expect(runs.some((args) => /chown -R airbyte:airbyte \/airbyte\b/.test(args))).toBe(true);
    expect(env.NODE_ENV).toBe('production');
  });

  it('ships neither the simulator nor the demo in the connector image', () => {
    const distCopy = finalStage.find((i) => i.keyword === 'COPY' && /\s\.\/dist$/.test(i.args));
    expect(distCopy?.args).toMatch(/--from=build .*\/build\/connector-dist \.\/dist$/);
    const buildStage = dockerfile.slice(
      0,
      dockerfile.findIndex((i, n) => n > 0 && i.keyword === 'FROM'),
    );
    const pruning = buildStage.find((i) => i.keyword === 'RUN' && i.args.includes('connector-dist'));
    expect(pruning?.args).toContain('rm -rf connector-dist/simulator connector-dist/demo');
  });

  it('builds the simulator as its own target, serving the data integration_tests/ describes', () => {
    const start = dockerfile.findIndex((i) => i.keyword === 'FROM' && /\sAS simulator$/i.test(i.args));
    expect(start, 'a "FROM ... AS simulator" stage').toBeGreaterThan(0);
    const next = dockerfile.findIndex((i, n) => n > start && i.keyword === 'FROM');
    const stage = dockerfile.slice(start, next);
    const json = (keyword: string) => JSON.parse(stage.find((i) => i.keyword === keyword)!.args) as string[];
    expect(json('ENTRYPOINT')).toEqual([
      '/usr/local/bin/node',
      '/simulator/dist/simulator/cli.js',
      '--host',
      '0.0.0.0',
      '--port',
      '8787',
    ]);
    // The run of acceptance-files.test.ts: quiet preset, seed 7, 2026-01-01 to 2026-01-14.
    expect(json('CMD')).toEqual(['--preset', 'quiet', '--seed', '7', '--days', '14', '--end', '2026-01-14']);
    expect(stage.find((i) => i.keyword === 'EXPOSE')?.args).toBe('8787');
  });

  it('ships dist/, schemas/, package.json and production node_modules in the runtime stage', () => {
    const copies = finalStage.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    for (const needed of ['dist', 'schemas', 'package.json', 'node_modules']) {
      expect(
        copies.some((args) => args.includes(needed)),
        `runtime stage must COPY ${needed}`,
      ).toBe(true);
    }
    expect(
      finalStage.some((i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install)\b(?!.*--omit=dev)/.test(i.args)),
    ).toBe(false);
  });

  it('.dockerignore keeps the build inputs in the context', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const needed of ['src', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      expect(ignored).not.toContain(needed);
    }
    for (const excluded of ['**/node_modules', 'dist', '.git']) expect(ignored).toContain(excluded);
  });
});

describe('acceptance-test-config.yml', () => {
  const config = parse(readText('acceptance-test-config.yml')) as AcceptanceTestConfig;
  const tests = config.acceptance_tests;

  it('tests the image named in metadata.yaml', () => {
    expect(config.connector_image).toBe(`${data.dockerRepository}:dev`);
  });

  it('reads from the simulator container: sample_config.json with base_url naming it', () => {
    const sample = JSON.parse(readText('integration_tests/sample_config.json')) as Record<string, unknown>;
    const acceptance = JSON.parse(readText('integration_tests/acceptance_config.json')) as unknown;
    expect(acceptance).toEqual({ ...sample, base_url: 'http://wolkvox-simulator:8787' });
    const configPaths = new Set(
      Object.values(tests).flatMap((suite) => suite.tests!.map((test) => test.config_path)),
    );
    expect([...configPaths].sort()).toEqual([
      'integration_tests/acceptance_config.json',
      'integration_tests/invalid_config.json',
    ]);
  });

  it('configures every acceptance test suite of a source', () => {
    for (const suite of ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental']) {
      expect(tests[suite]?.tests?.length ?? 0, `acceptance_tests.${suite}.tests`).toBeGreaterThan(0);
    }
    const statuses = tests.connection!.tests!.map((test) => test.status);
    expect(statuses).toEqual(expect.arrayContaining(['succeed', 'failed']));
    expect(tests.basic_read?.tests?.[0]?.expect_records?.path).toBeTruthy();
    expect(tests.incremental?.tests?.[0]?.future_state?.future_state_path).toBeTruthy();
  });

  /** Every value of a key named *_path or `path`, with its location in the config. */
  function referencedFiles(node: unknown, where = ''): [string, string][] {
    if (Array.isArray(node))
      return node.flatMap((item, index) => referencedFiles(item, `${where}[${index}]`));
    if (node === null || typeof node !== 'object') return [];
    return Object.entries(node).flatMap(([key, value]): [string, string][] =>
      (key === 'path' || key.endsWith('_path')) && typeof value === 'string'
        ? [[`${where}.${key}`, value]]
        : referencedFiles(value, `${where}.${key}`),
    );
  }

  const files = referencedFiles(tests, 'acceptance_tests');
  const uniquePaths = [...new Set(files.map(([, path]) => path))];
  it.each(uniquePaths)('references %s, which exists', (path) => {
    const where = files.filter(([, p]) => p === path).map(([w]) => w);
    expect(existsSync(join(ROOT, path)), `${path} (used by ${where.join(', ')}) must exist`).toBe(true);
  });

  it('references JSON files that parse', () => {
    for (const [, path] of files) {
      if (!existsSync(join(ROOT, path))) continue; // reported by the test above
      const text = readText(path);
      if (path.endsWith('.jsonl')) {
        for (const line of text.split('\n').filter((l) => l.trim() !== ''))
          expect((): unknown => JSON.parse(line)).not.toThrow();
      } else {
        expect((): unknown => JSON.parse(text), path).not.toThrow();
      }
    }
  });
});

describe('docs/wolkvox.md', () => {
  const docs = readText('docs/wolkvox.md');
  const headings = [...docs.matchAll(/^(#{2,3}) (.+)$/gm)].map((match) => match[2]!);
  /** The text of one `## ` section, up to the next one. */
  const section = (title: string): string => {
    const start = docs.indexOf(`\n## ${title}\n`);
    expect(start, `section "${title}"`).toBeGreaterThan(-1);
    const end = docs.indexOf('\n## ', start + 1);
    return docs.slice(start, end === -1 ? undefined : end);
  };

  it("has the sections of Airbyte's source documentation template, in order", () => {
    const template = [
      'Prerequisites',
      'Setup guide',
      'Supported sync modes',
      'Supported streams',
      'Data type map',
      'Limitations and troubleshooting',
      'Changelog',
    ];
    const positions = template.map((title) => headings.indexOf(title));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(headings),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Wolkvox side first, then the Airbyte side.
    const setup = section('Setup guide');
    expect(setup.indexOf('Set up Wolkvox')).toBeGreaterThan(-1);
    expect(setup.indexOf('Set up Wolkvox')).toBeLessThan(setup.indexOf('Add the connector to Airbyte'));
  });

  it('maps every field of the stream schema to a Snowflake and a BigQuery type', () => {
    const schema = JSON.parse(readText('schemas/transfers.json')) as {
      properties: Record<string, { airbyte_type?: string }>;
    };
    const rows = new Map(
      section('Data type map')
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1]!.replaceAll('`', ''), { snowflake: cells[3], bigquery: cells[4] }]),
    );
    const expected = (property: { airbyte_type?: string }) =>
      ({
        timestamp_with_timezone: { snowflake: 'TIMESTAMP_TZ', bigquery: 'TIMESTAMP' },
        timestamp_without_timezone: { snowflake: 'TIMESTAMP_NTZ', bigquery: 'DATETIME' },
      })[property.airbyte_type ?? ''] ?? { snowflake: 'VARCHAR', bigquery: 'STRING' };
    for (const [field, property] of Object.entries(schema.properties)) {
      expect(rows.get(field), field).toEqual(expected(property));
    }
    expect(schema.properties.transferred_at_local).toMatchObject({
      format: 'date-time',
      airbyte_type: 'timestamp_without_timezone',
    });
  });

  it('covers the limits, the image, custom connectors and the acceptance tests', () => {
    const limits = section('Limitations and troubleshooting');
    for (const topic of ['licences x 1,000', '60,000', '31 days', '404', 'DST', 'allow-list'])
      expect(limits, topic).toContain(topic);
    expect(docs).toContain('Airbyte Cloud does not accept custom Docker connectors');
    expect(docs).toContain('docker buildx build --platform linux/amd64,linux/arm64');
    expect(docs).toContain(`docker build -t ${data.dockerRepository}:${packageJson.version} .`);
    expect(docs).toContain(`ghcr.io/<org>/${data.dockerRepository}`);
    expect(docs).toContain('kind load docker-image');
    expect(docs).not.toContain('airbyte/source-wolkvox');
    const acceptance = parse(readText('acceptance-test-config.yml')) as AcceptanceTestConfig;
    expect(docs).toContain(`docker build -t ${acceptance.connector_image} .`);
    expect(docs).toContain('--name wolkvox-simulator --network wolkvox-cat');
  });
});
