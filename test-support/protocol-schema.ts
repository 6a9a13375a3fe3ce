import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { AirbyteMessage } from '../src/protocol/messages.js';

/** The official protocol schema, vendored in test-support/vendor/ (source, commit and licence in its README). */
export const PROTOCOL_SCHEMA_PATH = fileURLToPath(
  new URL('./vendor/airbyte-protocol/airbyte_protocol.yaml', import.meta.url),
);

let validateMessage: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const schema = parse(readFileSync(PROTOCOL_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...schema, $id: 'airbyte_protocol' });
  return ajv.compile({ $ref: 'airbyte_protocol#/definitions/AirbyteMessage' });
}

/**
 * Parses stdout of the connector: every line must be one valid AirbyteMessage of the official schema.
 * The lines are typed as the messages a source emits (src/protocol/messages.ts), which is all the
 * connector writes. Throws on the first line that is not JSON or not a valid message.
 */
export function parseProtocolLines(stdout: string): AirbyteMessage[] {
  validateMessage ??= compile();
  const lines = stdout.split('\n').filter((line) => line.length > 0);
  return lines.map((line, index) => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    if (!validateMessage!(message)) {
      throw new Error(
        `stdout line ${index + 1} is not a valid AirbyteMessage: ${JSON.stringify(validateMessage!.errors)}\n${line.slice(0, 300)}`,
      );
    }
    return message as AirbyteMessage;
  });
}
