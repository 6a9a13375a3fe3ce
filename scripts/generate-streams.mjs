#!/usr/bin/env node
/* global console */
// Generates the stream definitions and their documentation from the vendored facts file
// (src/streams/reports-manager.json) and the hand-written overrides (src/streams/report-overrides.ts):
//
//   npm run generate:streams
//
// writes src/streams/report-definitions.ts and docs/streams.md, both formatted by prettier.
// src/streams/report-definitions.test.ts fails when either differs from what this script produces.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import {
  buildReportCatalog,
  renderDefinitionsModule,
  renderStreamsDoc,
} from '../dist/streams/report-catalog.js';
import { REPORT_OVERRIDES } from '../dist/streams/report-overrides.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const facts = JSON.parse(readFileSync(resolve(ROOT, 'src/streams/reports-manager.json'), 'utf8'));
const catalog = buildReportCatalog(facts, REPORT_OVERRIDES);

async function write(path, text) {
  const file = resolve(ROOT, path);
  const options = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
  console.log(`wrote ${path}`);
}

await write('src/streams/report-definitions.ts', renderDefinitionsModule(catalog));
await write('docs/streams.md', renderStreamsDoc(catalog, facts, REPORT_OVERRIDES));
