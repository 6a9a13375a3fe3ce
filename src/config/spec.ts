import { readFileSync } from 'node:fs';

/** schemas/ sits next to dist/ and src/ alike, so one relative path serves the built CLI and the tests. */
export const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);

export function readSchemaFile<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, SCHEMAS_DIR), 'utf8')) as T;
}

export interface ConnectorSpecification {
  documentationUrl: string;
  connectionSpecification: JsonSchemaObject;
  [key: string]: unknown;
}

export interface JsonSchemaObject {
  properties: Record<string, { airbyte_secret?: boolean; title?: string; [key: string]: unknown }>;
  required?: string[];
  [key: string]: unknown;
}

let cached: ConnectorSpecification | undefined;

export function loadSpec(): ConnectorSpecification {
  cached ??= readSchemaFile<ConnectorSpecification>('spec.json');
  return cached;
}

/** Names of the config fields whose values must never be printed. */
export function secretFieldNames(spec: ConnectorSpecification = loadSpec()): string[] {
  return Object.entries(spec.connectionSpecification.properties)
    .filter(([, property]) => property.airbyte_secret === true)
    .map(([name]) => name);
}
