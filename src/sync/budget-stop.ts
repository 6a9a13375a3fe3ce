import { TransientError } from '../errors/index.js';
import type { CallBudgetExhaustedError } from '../wolkvox/types.js';
import type { SyncOutput } from './output.js';

/**
 * What a stream does when the per-sync call budget stops it, after its state was emitted: an
 * incremental sync ends cleanly with a WARN (`where` says how far it got and where the next one
 * continues); a full refresh is incomplete, so it throws a TransientError (Airbyte marks the stream
 * INCOMPLETE and its retry resumes it) rather than let an Overwrite destination keep a part.
 */
export function stopAtBudget(
  stream: string,
  error: CallBudgetExhaustedError,
  where: string,
  fullRefresh: boolean,
  output: SyncOutput,
): void {
  if (fullRefresh) {
    throw new TransientError(
      `${stream}: the full refresh stopped at the API call budget of ${error.budget} calls ${where}, so it is ` +
        'INCOMPLETE: an Overwrite destination must not replace its table with it. Raise or remove ' +
        'max_api_calls_per_sync, or sync this stream incrementally; the next attempt resumes this full refresh.',
    );
  }
  output.log('WARN', `${stream}: API call budget of ${error.budget} reached ${where}.`);
}
