export { createWolkvoxClient, type WolkvoxClient, type WolkvoxClientOptions } from './client.js';
export {
  WolkvoxAuthError,
  WolkvoxQuotaError,
  WolkvoxRequestError,
  WolkvoxRetriesExhaustedError,
  WolkvoxUnavailableError,
  type WolkvoxError,
} from './errors.js';
export { normaliseServer } from './server.js';
export * from './types.js';
