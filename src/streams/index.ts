export type { StreamDefinition, TransformResult } from './definition.js';
export {
  eventPartitionStream,
  missingParameterOption,
  partitionLabel,
  sourceStreams,
  streamOfReport,
  type SourcePartition,
  type SourceStream,
} from './source-streams.js';
