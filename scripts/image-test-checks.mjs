#!/usr/bin/env node
/* global process, console */
// Checks used by scripts/test-image.sh (plain ESM, runs on the host with the repository's node_modules).
//
//   node scripts/image-test-checks.mjs image-config FILE
//       FILE: the image's OCI config as JSON ({Entrypoint, Env, Labels, User, ...}); checks it against
//       metadata.yaml and package.json (labels, AIRBYTE_ENTRYPOINT, absolute entrypoint, non-root user).
//   node scripts/image-test-checks.mjs messages COMMAND FILE [--status SUCCEEDED|FAILED] [--min-records N]
//                                      [--catalog FILE] [--state-out FILE]
//       FILE: stdout of the connector; every line must be one AirbyteMessage valid against the official
//       protocol schema (airbyte_protocol.yaml, definitions.AirbyteMessage), plus per-command rules.
//       Prints a one-line summary; exits 1 with the reason on the first problem.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROTOCOL_PATH = resolve(ROOT, 'test-support/vendor/airbyte-protocol/airbyte_protocol.yaml');

class CheckError extends Error {}
const fail = (message) => {
  throw new CheckError(message);
};
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function newAjv() {
  const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
  addFormats.default(ajv);
  // Airbyte's date-time also covers timestamp_without_timezone (no offset), as the acceptance tests check it.
  ajv.addFormat('date-time', ajv.formats['iso-date-time']);
  return ajv;
}

/** Payload key each message type must carry (the schema itself only requires `type`). */
const PAYLOAD = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};

function parseMessages(file) {
  const ajv = newAjv();
  ajv.addSchema({ ...parseYaml(readFileSync(PROTOCOL_PATH, 'utf8')), $id: 'airbyte_protocol' });
  const validate = ajv.compile({ $ref: 'airbyte_protocol#/definitions/AirbyteMessage' });
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => {
    const where = `stdout line ${index + 1}`;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      fail(`${where} is not JSON: ${line.slice(0, 200)}`);
    }
    if (!validate(message)) {
      fail(
        `${where} is not a valid AirbyteMessage: ${ajv.errorsText(validate.errors)}\n  ${line.slice(0, 300)}`,
      );
    }
    const payload = PAYLOAD[message.type];
    if (payload && message[payload] === undefined)
      fail(`${where}: a ${message.type} message without "${payload}"`);
    return message;
  });
}

function option(args, name) {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

function checkMessages(command, file, args) {
  const messages = parseMessages(file);
  const ofType = (type) => messages.filter((message) => message.type === type);
  const counts = {};
  for (const message of messages) counts[message.type] = (counts[message.type] ?? 0) + 1;
  const errors = ofType('TRACE').filter((message) => message.trace.type === 'ERROR');
  const summary = [`${messages.length} messages`, JSON.stringify(counts)];

  switch (command) {
    case 'spec': {
      if (ofType('SPEC').length !== 1) fail(`expected exactly one SPEC, got ${ofType('SPEC').length}`);
      const spec = ofType('SPEC')[0].spec;
      const expected = readJson(resolve(ROOT, 'schemas/spec.json'));
      if (JSON.stringify(spec.connectionSpecification) !== JSON.stringify(expected.connectionSpecification)) {
        fail('SPEC.connectionSpecification differs from schemas/spec.json');
      }
      break;
    }
    case 'check': {
      const statuses = ofType('CONNECTION_STATUS');
      if (statuses.length !== 1) fail(`expected exactly one CONNECTION_STATUS, got ${statuses.length}`);
      const status = statuses[0].connectionStatus;
      const expected = option(args, '--status') ?? 'SUCCEEDED';
      if (status.status !== expected) {
        fail(`expected status ${expected}, got ${status.status}: ${status.message ?? ''}`);
      }
      summary.push(`status ${status.status}${status.message ? `: ${status.message}` : ''}`);
      break;
    }
    case 'discover': {
      const catalogs = ofType('CATALOG');
      if (catalogs.length !== 1) fail(`expected exactly one CATALOG, got ${catalogs.length}`);
      const stream = catalogs[0].catalog.streams.find((s) => s.name === 'transfers');
      if (!stream) fail('the catalog has no stream "transfers"');
      for (const mode of ['full_refresh', 'incremental']) {
        if (!stream.supported_sync_modes.includes(mode)) fail(`transfers does not support ${mode}`);
      }
      summary.push(`streams ${catalogs[0].catalog.streams.map((s) => s.name).join(',')}`);
      break;
    }
    case 'read': {
      if (errors.length > 0) fail(`read emitted an ERROR trace: ${JSON.stringify(errors[0].trace.error)}`);
      const records = ofType('RECORD');
      const minRecords = Number(option(args, '--min-records') ?? '1');
      if (records.length < minRecords) fail(`expected at least ${minRecords} RECORD, got ${records.length}`);
      const catalogPath = option(args, '--catalog');
      if (catalogPath) {
        const ajv = newAjv();
        const validators = new Map(
          readJson(catalogPath).streams.map((s) => [s.stream.name, ajv.compile(s.stream.json_schema)]),
        );
        for (const { record } of records) {
          const validate = validators.get(record.stream);
          if (!validate) fail(`RECORD of stream "${record.stream}", which is not in the catalog`);
          if (!validate(record.data)) {
            fail(`RECORD does not match the stream schema: ${ajv.errorsText(validate.errors)}`);
          }
        }
      }
      const states = ofType('STATE');
      if (states.length === 0) fail('read emitted no STATE');
      const lastRecord = messages.findLastIndex((message) => message.type === 'RECORD');
      const lastState = messages.findLastIndex((message) => message.type === 'STATE');
      if (lastRecord > lastState) fail('RECORD messages after the final STATE');
      const statuses = ofType('TRACE')
        .filter((message) => message.trace.type === 'STREAM_STATUS')
        .map((message) => message.trace.stream_status.status);
      if (!statuses.includes('COMPLETE'))
        fail(`no COMPLETE stream status (got ${statuses.join(',') || 'none'})`);
      const finalState = states.at(-1).state;
      const stateOut = option(args, '--state-out');
      if (stateOut) writeFileSync(stateOut, JSON.stringify([finalState]));
      summary.push(`${records.length} records, ${states.length} states, final ${JSON.stringify(finalState)}`);
      break;
    }
    default:
      fail(`unknown command ${command}`);
  }
  if (command !== 'read' && command !== 'check' && errors.length > 0) {
    fail(`${command} emitted an ERROR trace: ${JSON.stringify(errors[0].trace.error)}`);
  }
  return summary.join('; ');
}

function checkImageConfig(file) {
  const config = readJson(file);
  const metadata = parseYaml(readFileSync(resolve(ROOT, 'metadata.yaml'), 'utf8')).data;
  const pkg = readJson(resolve(ROOT, 'package.json'));
  const env = Object.fromEntries(
    (config.Env ?? []).map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]),
  );
  const labels = config.Labels ?? {};
  const entrypoint = config.Entrypoint ?? [];
  if (entrypoint.length === 0) fail('the image has no ENTRYPOINT');
  for (const part of entrypoint)
    if (!isAbsolute(part)) fail(`ENTRYPOINT part ${part} is not an absolute path`);
  if (env.AIRBYTE_ENTRYPOINT !== entrypoint.join(' ')) {
    fail(`AIRBYTE_ENTRYPOINT "${env.AIRBYTE_ENTRYPOINT}" differs from ENTRYPOINT "${entrypoint.join(' ')}"`);
  }
  if (labels['io.airbyte.name'] !== metadata.dockerRepository) {
    fail(
      `label io.airbyte.name "${labels['io.airbyte.name']}" differs from dockerRepository "${metadata.dockerRepository}"`,
    );
  }
  if (labels['io.airbyte.version'] !== metadata.dockerImageTag || metadata.dockerImageTag !== pkg.version) {
    fail(
      `label io.airbyte.version "${labels['io.airbyte.version']}", dockerImageTag "${metadata.dockerImageTag}" and package.json version "${pkg.version}" differ`,
    );
  }
  const user = config.User ?? '';
  if (user === '' || user === 'root' || user.split(':')[0] === '0')
    fail(`the image runs as root (User "${user}")`);
  return `entrypoint ${JSON.stringify(entrypoint)}; user ${user}; ${labels['io.airbyte.name']}:${labels['io.airbyte.version']}`;
}

try {
  const [subcommand, ...rest] = process.argv.slice(2);
  if (subcommand === 'image-config') console.log(checkImageConfig(rest[0]));
  else if (subcommand === 'messages') console.log(checkMessages(rest[0], rest[1], rest.slice(2)));
  else fail(`usage: image-test-checks.mjs image-config FILE | messages COMMAND FILE [options]`);
} catch (error) {
  console.error(error instanceof CheckError ? error.message : error);
  process.exit(1);
}
