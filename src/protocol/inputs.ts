import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors/index.js';
import { jsonErrorOffset, positionAt } from './json-syntax.js';
import type { ConfiguredStream, SyncMode } from './messages.js';

/**
 * Reads a JSON input file (a leading UTF-8 byte-order mark is allowed); a missing or unreadable
 * file, or one that is not JSON, is a config error. The error gives line and column, never the
 * file's content (a config file holds the token).
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(`The ${what} file "${path}" ${reason}.`);
  }
  // Windows editors start UTF-8 files with a byte-order mark.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const offset = jsonErrorOffset(text);
    const { line, column } = positionAt(text, offset < 0 ? text.length : offset);
    const where =
      offset >= text.length
        ? `it ends early (line ${line}, column ${column}): a closing quote or bracket is missing`
        : `line ${line}, column ${column}: check the quotes, commas and brackets there`;
    throw new ConfigError(`The ${what} file "${path}" is not valid JSON: ${where}.`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SYNC_MODES: readonly SyncMode[] = ['full_refresh', 'incremental'];

/** Checks the shape of a configured catalog; returns its streams. */
export function parseConfiguredCatalog(value: unknown): ConfiguredStream[] {
  const streams = isObject(value) ? value.streams : undefined;
  if (!Array.isArray(streams)) {
    throw new ConfigError(
      'The catalog must be a JSON object with a "streams" array (a ConfiguredAirbyteCatalog).',
    );
  }
  const names = new Set<string>();
  return streams.map((entry, index) => {
    const name = isObject(entry) && isObject(entry.stream) ? entry.stream.name : undefined;
    if (typeof name !== 'string') {
      throw new ConfigError(`Catalog stream #${index + 1} has no "stream.name".`);
    }
    if (names.has(name)) {
      throw new ConfigError(
        `The catalog names stream "${name}" twice (again as stream #${index + 1}); a sync reads each stream ` +
          'once: keep one entry for it.',
      );
    }
    names.add(name);
    const mode = (entry as Record<string, unknown>).sync_mode;
    if (!SYNC_MODES.includes(mode as SyncMode)) {
      throw new ConfigError(
        `Catalog stream "${name}" has sync_mode ${JSON.stringify(mode)}; use "full_refresh" or "incremental".`,
      );
    }
    return entry as unknown as ConfiguredStream;
  });
}

/**
 * Turns a state input into stream name -> stream_state. The current platform passes an array of
 * STATE messages (per-stream, or one GLOBAL); older ones pass a single legacy object
 * ({"transfers": {...}} or {"data": {...}}) — both are accepted, anything else is refused.
 */
export function parseStateInput(value: unknown): Map<string, unknown> {
  const states = new Map<string, unknown>();
  if (value === null || (Array.isArray(value) && value.length === 0)) return states;
  if (Array.isArray(value)) {
    value.forEach((message, index) => readStateMessage(message, index, states));
    return states;
  }
  if (isObject(value)) {
    if (value.type === 'STREAM' || value.type === 'GLOBAL' || value.type === 'LEGACY') {
      readStateMessage(value, 0, states);
      return states;
    }
    const legacy = isObject(value.data) ? value.data : value;
    for (const [name, streamState] of Object.entries(legacy)) states.set(name, streamState);
    return states;
  }
  throw new ConfigError(
    'The state file must hold a JSON array of STATE messages (or a legacy state object).',
  );
}

function readStateMessage(message: unknown, index: number, states: Map<string, unknown>): void {
  const where = `State message #${index + 1}`;
  if (!isObject(message)) throw new ConfigError(`${where} is not a JSON object.`);
  // Messages may come wrapped as AirbyteMessage {"type":"STATE","state":{...}}.
  const state = message.type === 'STATE' && isObject(message.state) ? message.state : message;
  if (state.type === 'STREAM' || (state.type === undefined && isObject(state.stream))) {
    const stream = isObject(state.stream) ? state.stream : undefined;
    const descriptor = stream && isObject(stream.stream_descriptor) ? stream.stream_descriptor : undefined;
    if (!descriptor || typeof descriptor.name !== 'string') {
      throw new ConfigError(`${where} is a STREAM state without stream.stream_descriptor.name.`);
    }
    states.set(descriptor.name, stream?.stream_state);
    return;
  }
  if (state.type === 'GLOBAL' && isObject(state.global) && Array.isArray(state.global.stream_states)) {
    (state.global.stream_states as unknown[]).forEach((entry, inner) =>
      readStateMessage({ type: 'STREAM', stream: entry }, inner, states),
    );
    return;
  }
  if (state.type === 'LEGACY' && isObject(state.data)) {
    for (const [name, streamState] of Object.entries(state.data)) states.set(name, streamState);
    return;
  }
  throw new ConfigError(`${where} has an unknown shape; expected {"type":"STREAM","stream":{...}}.`);
}
