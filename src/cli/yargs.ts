import { createRequire } from 'node:module';
import type yargsFactory from 'yargs';

/**
 * yargs, from its CommonJS build. Its ESM entry is 21 modules, each resolved and read on its own by
 * the ESM loader; the CommonJS build is one bundled file of the same code (`yargs/yargs`, the
 * documented non-singleton entry): about 20 ms less start-up for every command. It also wraps help
 * text between words, where the ESM build's cut words in two.
 */
export const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof yargsFactory;

/** The width of `--help` text for yargs' wrap(): the terminal's, at most 100 columns (100 when stdout is not a terminal). */
export function helpWidth(): number {
  return Math.min(100, process.stdout.columns || 100);
}
