/** The simulated Wolkvox Reports Manager API: data generator, query semantics, HTTP server. */
export type { Agent } from './agents.js';
export type { CallLogEntry, CallStats, FaultKind, Outcome } from './call-stats.js';
export { FAULT_KINDS } from './call-stats.js';
export type { SimulatorConnectorConfig } from './connector-config.js';
export { generateDataset, TransferDataset } from './dataset.js';
export type { AppendOptions, BurstSpec, DatasetOptions } from './dataset.js';
export { ANSWERS } from './envelope.js';
export {
  BURST_DAY_TRANSFERS,
  BURST_HOUR_TRANSFERS,
  PRESET_NAMES,
  presetDataset,
  presetOptions,
} from './presets.js';
export type { PresetName, PresetRange } from './presets.js';
export { DEFAULT_DENSE_REPORTS, ReportData, reportDataFor } from './report-data.js';
export type { ReportDataOptions, ReportQuery, ReportRows } from './report-data.js';
export { ACTIVITY_CODES, CAMPAIGNS, SKILLS } from './report-values.js';
export type { ActivityCode, Skill } from './report-values.js';
export { ReportsApi } from './reports-api.js';
export type {
  ApiAnswer,
  ApiRequest,
  BodyEnding,
  CodeStyle,
  FaultOptions,
  MaintenanceSpan,
  ReportsApiOptions,
} from './reports-api.js';
export type { RecordOrder } from './response-body.js';
export { API_PATH, defaultToken, startSimulator } from './server.js';
export type { RunningSimulator, SimulatorOptions } from './server.js';
export { CHANNELS, SKILL_RECEIVER, TransferStore } from './transfer-store.js';
export type { IndexRange, StoredTransfer, TransferRecord } from './transfer-store.js';
