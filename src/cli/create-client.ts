import type { ConnectorConfig } from '../config/config.js';
import { createWolkvoxClient, type WolkvoxClient } from '../wolkvox/client.js';
import type { ClientObserver } from '../wolkvox/types.js';

/** The one place the CLI turns a config into an API client; `observer` hears of retries and limits. */
export function createClient(config: ConnectorConfig, observer?: ClientObserver): WolkvoxClient {
  return createWolkvoxClient({
    observer,
    baseUrl: config.baseUrl,
    server: config.server,
    token: config.token,
    maxRetries: config.maxRetries,
    maxConcurrentRequests: config.maxConcurrentRequests,
    callBudget: config.callBudget,
  });
}
