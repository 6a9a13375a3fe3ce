import { SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { generateDataset, type DatasetOptions, type TransferDataset } from './dataset.js';

export const PRESET_NAMES = ['quiet', 'steady', 'bursty'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetRange {
  seed: number;
  from: LocalSeconds;
  /** Inclusive. */
  to: LocalSeconds;
}

/** Over the 60,000-record cap of one call, so a single window cannot hold them. */
export const BURST_DAY_TRANSFERS = 80_000;
export const BURST_HOUR_TRANSFERS = 65_000;

/** The day `share` of the way through the range, as the LocalSeconds of its midnight. */
function dayWithin(range: PresetRange, share: number): LocalSeconds {
  const firstDay = Math.floor(range.from / SECONDS_PER_DAY);
  const days = Math.floor(range.to / SECONDS_PER_DAY) - firstDay + 1;
  return (firstDay + Math.floor(days * share)) * SECONDS_PER_DAY;
}

/**
 * - quiet: about 40 transfers a day, one day in five without any (empty windows answer 404).
 * - steady: about 5,000 a day (90 days are some 450,000 records).
 * - bursty: steady, plus one whole day of 80,000 extra transfers (30% into the range) and one hour,
 *   10:00 to 11:00, of 65,000 extra (70% into the range): both over the per-call cap.
 */
export function presetOptions(name: PresetName, range: PresetRange): DatasetOptions {
  switch (name) {
    case 'quiet':
      return { ...range, transfersPerDay: 40, quietDayRate: 0.2 };
    case 'steady':
      return { ...range, transfersPerDay: 5_000 };
    case 'bursty':
      return {
        ...range,
        transfersPerDay: 5_000,
        bursts: [
          { start: dayWithin(range, 0.3), seconds: SECONDS_PER_DAY, count: BURST_DAY_TRANSFERS },
          { start: dayWithin(range, 0.7) + 10 * 3600, seconds: 3600, count: BURST_HOUR_TRANSFERS },
        ],
      };
  }
}

export function presetDataset(name: PresetName, range: PresetRange): TransferDataset {
  return generateDataset(presetOptions(name, range));
}
