import { readFileSync } from 'node:fs';
import type { ReportFacts } from '../src/streams/report-definition.js';

/** The vendored facts file (src/streams/reports-manager.json), read as the generator reads it. */
export const REPORT_FACTS: readonly ReportFacts[] = JSON.parse(
  readFileSync(new URL('../src/streams/reports-manager.json', import.meta.url), 'utf8'),
) as ReportFacts[];

/** The facts of one report; throws when the facts file has no such report. */
export function factsOf(report: string): ReportFacts {
  const facts = REPORT_FACTS.find((entry) => entry.api === report);
  if (!facts) throw new Error(`no report ${report} in the facts file`);
  return facts;
}
