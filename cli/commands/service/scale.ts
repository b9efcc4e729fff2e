/** `cluster service scale SERVICE=N ...`: the replicas of replicated services. */
import type { Command } from 'commander';
import { FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { parseCount } from '../../format.js';
import type { Connect } from '../types.js';
import { follow } from './follow.js';
import { modeName } from './modes.js';

export function scaleCommand(service: Command, connect: Connect): Command {
  return service
    .command('scale')
    .description('set the number of replicas: SERVICE=N ...')
    .argument('<service=replicas...>')
    .option('-d, --detach', 'return at once instead of waiting for convergence')
    .action(async (pairs: string[], o: { detach?: boolean }) => {
      const wanted = pairs.map((p) => {
        const [ref, n] = p.split('=');
        if (!ref || n === undefined) throw invalidArgument('scale', 'SERVICE=REPLICAS such as web=5', p);
        return { ref, replicas: parseCount(`replicas of ${ref}`, n) };
      });
      const client = connect();
      for (const { ref, replicas } of wanted) {
        const { service } = await call(client, client.GetService, { service: ref });
        if (!service?.spec) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
        if (service.spec.mode !== 'replicated')
          throw new FlotillaError(
            'INVALID_ARGUMENT',
            `service ${ref} is in ${modeName(service.spec)} mode; only replicated services scale`,
          );
        const spec = { ...service.spec, replicated: { replicas } };
        const res = await call(client, client.UpdateService, {
          serviceId: service.id,
          version: service.meta?.version ?? 0,
          spec,
        });
        console.log(`${service.spec.name} scaled to ${replicas}`);
        if (!o.detach && res.service) await follow(client, res.service);
      }
    });
}
