import type { ServerResponse } from 'node:http';
import { formatLocal, parseLocal, type LocalSeconds } from '../time/local-time.js';
import type { TransferDataset } from './dataset.js';
import { sendJson } from './http-io.js';
import type { ReportsApi } from './reports-api.js';

/** Control endpoints live under this prefix, away from anything Wolkvox serves. */
export const CONTROL_PREFIX = '/__simulator/';

/** What the control endpoints act on. */
export interface ControlTarget {
  api: ReportsApi;
  dataset(): TransferDataset;
  /** Default `until` for appends, when the simulator knows the operation's clock. */
  localNow: (() => LocalSeconds) | undefined;
}

function positiveNumber(text: string | null): number | undefined {
  const value = text === null ? Number.NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function datasetSummary(dataset: TransferDataset) {
  const { firstSecond, lastSecond } = dataset;
  return {
    size: dataset.size,
    firstDate: firstSecond === undefined ? null : formatLocal(firstSecond),
    lastDate: lastSecond === undefined ? null : formatLocal(lastSecond),
  };
}

/**
 * GET stats, GET calls, POST append?count=N[&until=YYYY-MM-DD HH:MM:SS], POST reset,
 * POST maintenance?seconds=N. Returns false when the path is not a control endpoint.
 */
export function handleControl(
  target: ControlTarget,
  method: string,
  url: URL,
  response: ServerResponse,
): boolean {
  const route = `${method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  const { api } = target;
  switch (route) {
    case 'GET stats':
      sendJson(response, 200, { ...api.stats(), dataset: datasetSummary(target.dataset()) });
      return true;
    case 'GET calls':
      sendJson(response, 200, api.calls());
      return true;
    case 'POST reset':
      api.resetStats();
      sendJson(response, 200, api.stats());
      return true;
    case 'POST append': {
      const count = positiveNumber(url.searchParams.get('count'));
      const untilText = url.searchParams.get('until');
      const until = untilText === null ? target.localNow?.() : parseLocal(untilText);
      if (count === undefined || !Number.isInteger(count) || (untilText !== null && until === undefined)) {
        sendJson(response, 400, {
          error: 'use count=N (a whole number) and optionally until=YYYY-MM-DD HH:MM:SS',
        });
        return true;
      }
      const dataset = target.dataset();
      const added = dataset.append(count, { until });
      const appended = added.end - added.start;
      sendJson(response, 200, {
        appended,
        first: appended > 0 ? dataset.recordAt(added.start) : null,
        last: appended > 0 ? dataset.recordAt(added.end - 1) : null,
        dataset: datasetSummary(dataset),
      });
      return true;
    }
    case 'POST maintenance': {
      const seconds = positiveNumber(url.searchParams.get('seconds'));
      if (seconds === undefined) {
        sendJson(response, 400, { error: 'use seconds=N' });
        return true;
      }
      api.startMaintenance(seconds * 1000);
      sendJson(response, 200, { maintenanceSeconds: seconds });
      return true;
    }
    default:
      return false;
  }
}
