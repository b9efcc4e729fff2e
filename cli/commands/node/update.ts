/** `cluster node update`: a node's availability and labels. */
import type { Command } from 'commander';
import { FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import type { NodeAvailability } from '../../../proto/types.js';
import { collect } from '../../format.js';
import type { Connect } from '../types.js';

const AVAILABILITY = { active: 'ACTIVE', pause: 'PAUSE', drain: 'DRAIN' } as const;

function parseAvailability(value: string): NodeAvailability {
  const a = AVAILABILITY[value as keyof typeof AVAILABILITY];
  if (!a) throw invalidArgument('--availability', 'active, pause or drain', value);
  return a;
}

export function updateCommand(node: Command, connect: Connect): Command {
  return node
    .command('update')
    .description("change a node's availability or labels")
    .argument('<node>')
    .option(
      '--availability <availability>',
      'active, pause (no new tasks) or drain (its tasks move elsewhere)',
    )
    .option('--label-add <KEY=VALUE>', 'add or change a label (repeatable)', collect, [])
    .option('--label-rm <KEY>', 'remove a label (repeatable)', collect, [])
    .action(async (ref: string, o: { availability?: string; labelAdd: string[]; labelRm: string[] }) => {
      const availability = o.availability === undefined ? undefined : parseAvailability(o.availability);
      const client = connect();
      const { node: n } = await call(client, client.GetNode, { node: ref });
      if (!n?.spec) throw new FlotillaError('NOT_FOUND', `node ${ref} not found`);
      const labels = { ...n.spec.labels };
      for (const kv of o.labelAdd) {
        const eq = kv.indexOf('=');
        if (eq < 1) throw invalidArgument('--label-add', 'KEY=VALUE', kv);
        labels[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      for (const key of o.labelRm) delete labels[key];
      await call(client, client.UpdateNode, {
        nodeId: n.id,
        version: n.meta?.version ?? 0,
        spec: { ...n.spec, availability: availability ?? n.spec.availability, labels },
      });
      console.log(n.description?.hostname ?? ref);
    });
}
