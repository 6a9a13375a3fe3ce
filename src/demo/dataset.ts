import { presetDataset, type IndexRange, type TransferDataset } from '../simulator/index.js';
import { idOfKey, occurrenceId } from '../streams/record-shape.js';
import { elementsBatch } from '../streams/record-codec.js';
import { transfers } from '../streams/transfers.js';
import { SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { OffsetFormatter, wallClockAt } from '../time/zone.js';
import { addId, type IdCounts } from './verify.js';

/**
 * The `bursty` preset over the last `days` days, up to this second in `zone`: a sync that reads
 * "up to now" covers all of it, and transfers appended later are new to it.
 */
export function recentBurstyDataset(zone: string, days: number, seed: number): TransferDataset {
  const now = wallClockAt(zone, Date.now());
  const firstDay = Math.floor(now / SECONDS_PER_DAY) - (days - 1);
  return presetDataset('bursty', { seed, from: firstDay * SECONDS_PER_DAY, to: now });
}

/** Ids of the stored transfers in `range`, shaped by the connector's own transform (never a copy of its hashing). */
export function expectedIds(dataset: TransferDataset, range: IndexRange, zone: string): IdCounts {
  const offsets = new OffsetFormatter(zone);
  const ids: IdCounts = new Map();
  const copies = new Map<string, number>();
  for (let index = range.start; index < range.end; index++) {
    const batch = transfers.decode(elementsBatch([JSON.stringify(dataset.recordAt(index))]));
    const contentId = idOfKey(transfers.shape(batch, 0, offsets).key);
    // Identical transfers share their second: the k-th copy has the k-th occurrence id.
    const k = (copies.get(contentId) ?? 0) + 1;
    copies.set(contentId, k);
    addId(ids, k === 1 ? contentId : occurrenceId(contentId, k));
  }
  return ids;
}

export function storedDates(dataset: TransferDataset): LocalSeconds[] {
  return Array.from({ length: dataset.size }, (_, index) => dataset.secondAt(index));
}
