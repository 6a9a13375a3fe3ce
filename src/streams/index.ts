import type { StreamDefinition } from './definition.js';
import { transfers } from './transfers.js';

export const STREAMS: readonly StreamDefinition[] = [transfers];

export function findStream(name: string): StreamDefinition | undefined {
  return STREAMS.find((stream) => stream.name === name);
}
