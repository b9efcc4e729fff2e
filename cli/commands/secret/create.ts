/** `cluster secret create` and `cluster config create`: a value from a file, or from standard input with "-". */
import type { Command } from 'commander';
import { formatBytes } from '../../../lib/sizes.js';
import { collect, labels } from '../../format.js';
import type { Connect } from '../types.js';
import type { Kind } from './kinds.js';
import { MAX_VALUE_BYTES, readValue } from './values.js';

export function createCommand(cmd: Command, kind: Kind, connect: Connect): Command {
  const { noun } = kind;
  return cmd
    .command('create')
    .description(
      `create a ${noun} from a file, or from standard input with "-" (at most ${formatBytes(MAX_VALUE_BYTES)})`,
    )
    .argument('<name>')
    .argument('<file>', 'a file, or - for standard input')
    .option('--label <KEY=VALUE>', `${noun} label (repeatable)`, collect, [])
    .action(async (name: string, file: string, o: { label: string[] }) => {
      const spec = { name, labels: labels('--label', o.label), data: await readValue(noun, file) };
      const client = connect();
      const { stored } = await kind.calls(client).create(spec);
      console.log(stored?.id);
    });
}
