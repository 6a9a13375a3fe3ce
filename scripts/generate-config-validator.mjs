#!/usr/bin/env node
/* global console */
// Compiles the config's JSON schema (schemas/spec.json's connectionSpecification) ahead of time with
// ajv's standalone mode, so that the connector never loads ajv's compiler at run time:
//
//   npm run generate:config-validator
//
// writes src/config/config-validator.ts, formatted by prettier. src/config/config-validator.test.ts
// fails when it differs from what this script produces (after a change to spec.json or to ajv).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderConfigValidator } from '../dist/config/config-validator-source.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(resolve(ROOT, 'schemas/spec.json'), 'utf8'));
const file = resolve(ROOT, 'src/config/config-validator.ts');
const options = await prettier.resolveConfig(file);
const text = renderConfigValidator(spec.connectionSpecification);
writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
console.log('wrote src/config/config-validator.ts');
