import { resolveConfig, type ConnectorConfig } from '../config/config.js';
import { secretFieldNames } from '../config/spec.js';
import { readJsonFile } from '../protocol/inputs.js';
import { createRedactor } from '../protocol/redact.js';
import type { CommandContext } from './run-command.js';

/**
 * Reads and validates the config. Secrets are registered for masking before validation, so even
 * a config that fails validation never has its token printed.
 */
export async function loadConfig(context: CommandContext, path: string): Promise<ConnectorConfig> {
  const raw = await readJsonFile(path, 'config');
  if (typeof raw === 'object' && raw !== null) {
    // As given and as used (trimmed): a server echoes the trimmed one.
    const secrets = secretFieldNames()
      .map((name) => (raw as Record<string, unknown>)[name])
      .filter((value): value is string => typeof value === 'string')
      .flatMap((value) => [value, value.trim()]);
    context.setRedactor(createRedactor(secrets));
  }
  return resolveConfig(raw);
}
