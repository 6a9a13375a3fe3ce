#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runWithHeapSettings } from './cli/heap.js';

// `read` runs in a process with the heap settings it needs (see heap.ts); the rest is loaded only where it runs.
const restarted = await runWithHeapSettings(fileURLToPath(import.meta.url));
process.exitCode = restarted ?? (await (await import('./cli/main.js')).main(process.argv.slice(2)));
