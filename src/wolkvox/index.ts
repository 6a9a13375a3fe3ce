export { createWolkvoxClient, type WolkvoxClient, type WolkvoxClientOptions } from './client.js';
export {
  isRateLimited,
  WolkvoxAuthError,
  WolkvoxEndpointError,
  WolkvoxQuotaError,
  WolkvoxRequestError,
  WolkvoxRetriesExhaustedError,
  WolkvoxUnavailableError,
  type UnavailableCondition,
  type WolkvoxError,
} from './errors.js';
export { normaliseServer } from './server.js';
export * from './types.js';
