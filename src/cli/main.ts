import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { runProtocolCommand } from './run-command.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Parses the command line and runs one Airbyte command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const configOption = {
    type: 'string',
    demandOption: true,
    describe: 'Path to the config JSON file',
  } as const;
  await yargs(argv)
    .scriptName('source-wolkvox')
    .usage('$0 <command> [options]\n\nAirbyte source for the Wolkvox Reports Manager API.')
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
        state: { type: 'string', describe: 'Path to the state JSON file (array of STATE messages)' },
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
    .strict()
    .version(VERSION)
    .help()
    .fail((message, error, instance) => {
      if (error) throw error;
      // Usage mistakes go to stderr for the human at the terminal; stdout stays protocol-only.
      process.stderr.write(`${instance.help() ?? ''}\n\n${message}\n`);
      exitCode = 2;
    })
    .parseAsync();
  return exitCode;
}
