import { loadSpec } from '../../config/spec.js';
import type { CommandContext } from '../run-command.js';

export async function spec({ emitter }: CommandContext): Promise<number> {
  await emitter.emit({ type: 'SPEC', spec: loadSpec() });
  return 0;
}
