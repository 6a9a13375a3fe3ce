import { MessageEmitter } from '../protocol/emitter.js';
import { asConnectorError, errorTraceMessage, exitCodeOf } from '../protocol/failure.js';
import { createRedactor, type Redactor } from '../protocol/redact.js';

export interface CommandContext {
  emitter: MessageEmitter;
  /** Masks secrets in text bound for stderr; set once the config is read. */
  redact: Redactor;
  setRedactor(redact: Redactor): void;
}

/**
 * Runs one protocol command with stdout reserved for Airbyte messages. A command returns its exit
 * code; whatever it throws becomes one TRACE ERROR and the exit code of its kind, never a bare stack.
 */
export async function runProtocolCommand(
  command: (context: CommandContext) => Promise<number>,
): Promise<number> {
  const emitter = new MessageEmitter(process.stdout);
  const context: CommandContext = {
    emitter,
    redact: createRedactor([]),
    setRedactor(redact) {
      context.redact = redact;
      emitter.setRedactor(redact);
    },
  };
  // A reader that goes away (EPIPE) ends the run; there is no one left to tell.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(exitCodeOf(asConnectorError(error)));
  });
  let exitCode: number;
  try {
    exitCode = await command(context);
  } catch (thrown) {
    const error = asConnectorError(thrown);
    await emitter.emit(errorTraceMessage(error));
    process.stderr.write(`${context.redact(error.message)}\n`);
    exitCode = exitCodeOf(error);
  }
  await emitter.close();
  return exitCode;
}
