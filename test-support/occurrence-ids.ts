import { createHash } from 'node:crypto';

/**
 * The documented id rule for identical rows, written out independently of the connector's code: the
 * first row with a content id keeps it; the k-th (k ≥ 2) gets the first 32 hex digits of
 * SHA-256("{contentId}#{k}"). Identical rows share their date, so counting over a whole dataset is
 * counting within the second.
 */
export function withOccurrenceIds(contentIds: Iterable<string>): string[] {
  const seen = new Map<string, number>();
  return [...contentIds].map((id) => {
    const k = (seen.get(id) ?? 0) + 1;
    seen.set(id, k);
    return k === 1 ? id : createHash('sha256').update(`${id}#${k}`).digest('hex').slice(0, 32);
  });
}
