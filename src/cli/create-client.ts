import type { ConnectorConfig } from '../config/config.js';
import { createWolkvoxClient, type WolkvoxClient } from '../wolkvox/client.js';

/** The one place the CLI turns a config into an API client. */
export function createClient(config: ConnectorConfig): WolkvoxClient {
  return createWolkvoxClient({
    baseUrl: config.baseUrl,
    server: config.server,
    token: config.token,
    maxRetries: config.maxRetries,
    maxConcurrentRequests: config.maxConcurrentRequests,
    callBudget: config.callBudget,
  });
}
