import { readFileSync } from 'node:fs';
import { helpWidth, yargs } from './yargs.js';
import { runProtocolCommand } from './run-command.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A command line that cannot run: its text (usage and the problem) goes to stderr, exit code 2. */
class UsageError extends Error {}

/** Each option at most once: yargs would make a list of a repeated one and run with it. */
function noRepeatedOption(argv: Record<string, unknown>): true | string {
  const repeated = Object.entries(argv)
    .filter(([name, value]) => name !== '_' && Array.isArray(value))
    .map(([name]) => `--${name}`);
  return repeated.length === 0 || `Give each option once: ${repeated.join(', ')} given more than once.`;
}

/**
 * Parses the command line and runs one Airbyte command; resolves to the process exit code. A usage
 * error (missing or unknown option, an option given twice) runs nothing: usage on stderr, nothing
 * on stdout, exit code 2.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    return await parseAndRun(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(error.message);
    return 2;
  }
}

async function parseAndRun(argv: string[]): Promise<number> {
  let exitCode = 0;
  const configOption = {
    type: 'string',
    demandOption: true,
    describe: 'Path to the config JSON file',
  } as const;
  await yargs(argv)
    .scriptName('source-wolkvox')
    .usage('$0 <command> [options]\n\nAirbyte source for the Wolkvox Reports Manager API.')
    .wrap(helpWidth())
    .command('spec', 'Print the connector specification', {}, async () => {
      exitCode = await runProtocolCommand(async (context) =>
        (await import('./commands/spec.js')).spec(context),
      );
    })
    .command(
      'check',
      'Validate the config and make one cheap API call',
      { config: configOption },
      async (args) => {
        exitCode = await runProtocolCommand(async (context) =>
          (await import('./commands/check.js')).check(context, args.config),
        );
      },
    )
    .command('discover', 'Print the catalog of streams', { config: configOption }, async (args) => {
      exitCode = await runProtocolCommand(async (context) =>
        (await import('./commands/discover.js')).discover(context, args.config),
      );
    })
    .command(
      'read',
      'Read records, emitting RECORD and STATE messages',
      {
        config: configOption,
        catalog: { type: 'string', demandOption: true, describe: 'Path to the configured catalog JSON file' },
        state: {
          type: 'string',
          requiresArg: true,
          describe: 'Path to the state JSON file (array of STATE messages)',
        },
      },
      async (args) => {
        exitCode = await runProtocolCommand(async (context) =>
          (await import('./commands/read.js')).read(context, {
            configPath: args.config,
            catalogPath: args.catalog,
            statePath: args.state,
          }),
        );
      },
    )
    .demandCommand(1, 'Name a command: spec, check, discover or read.')
    .check(noRepeatedOption)
    .strict()
    .version(VERSION)
    .help()
    .fail((message: string | undefined, error: unknown, instance) => {
      // yargs reports its own findings as a YError (a failed .check as its text); anything else is a defect.
      if (error instanceof Error && error.name !== 'YError') throw error;
      // Thrown, so that yargs runs no command; stdout stays protocol-only.
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- in a fail handler yargs' help() gives the usage text
      throw new UsageError(`${instance.help() ?? ''}\n\n${message ?? ''}\n`);
    })
    .parseAsync();
  return exitCode;
}
