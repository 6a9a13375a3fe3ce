import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const packageJson = JSON.parse(readText('package.json')) as Json;
const spec = JSON.parse(readText('schemas/spec.json')) as Json;
const metadata = parse(readText('metadata.yaml')) as Json;
const data = metadata.data as Json;

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
    expect(data.dockerRepository).toBe('airbyte/source-wolkvox');
    expect(data.dockerImageTag).toBe(packageJson.version);
    expect(data.githubIssueLabel).toBe(String(data.dockerRepository).split('/')[1]);
    expect(data.license).toBe(packageJson.license);
    expect(data.documentationUrl).toBe(spec.documentationUrl);
    expect(data.definitionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(data.tags).toContain('language:typescript');
  });

  it('points documentationUrl at the docs page of this repository', () => {
    const match = /\/blob\/[^/]+\/(.+)$/.exec(String(data.documentationUrl));
    expect(match, 'documentationUrl should be a GitHub blob URL of a file in this repository').not.toBeNull();
    const docsPath = match![1]!;
    expect(existsSync(join(ROOT, docsPath)), `${docsPath} must exist`).toBe(true);
    expect(readText(docsPath)).toContain(`| ${packageJson.version as string} `);
  });

  it('allows the Wolkvox API hosts (wv{server}.wolkvox.com) and the optional base_url host', () => {
    const hosts = data.allowedHosts.hosts as string[];
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
    const bin = (packageJson.bin as Record<string, string>)['source-wolkvox']!;
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

  it('runs as a non-root user with NODE_ENV=production', () => {
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user, 'the final stage needs a USER instruction').toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(env.NODE_ENV).toBe('production');
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
  const config = parse(readText('acceptance-test-config.yml')) as Json;
  const tests = config.acceptance_tests as Json;

  it('tests the image named in metadata.yaml', () => {
    expect(config.connector_image).toBe(`${data.dockerRepository as string}:dev`);
  });

  it('configures every acceptance test suite of a source', () => {
    for (const suite of ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental']) {
      expect(tests[suite]?.tests?.length ?? 0, `acceptance_tests.${suite}.tests`).toBeGreaterThan(0);
    }
    const statuses = (tests.connection.tests as Json[]).map((test) => test.status);
    expect(statuses).toEqual(expect.arrayContaining(['succeed', 'failed']));
    expect(tests.basic_read.tests[0].expect_records.path).toBeTruthy();
    expect(tests.incremental.tests[0].future_state.future_state_path).toBeTruthy();
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
          expect(() => JSON.parse(line)).not.toThrow();
      } else {
        expect(() => JSON.parse(text), path).not.toThrow();
      }
    }
  });
});
