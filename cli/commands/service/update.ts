/**
 * `cluster service update`: a changed task spec or published ports roll out per the update
 * policy; labels and --rebalance change at once. The same spec again resumes a paused update.
 */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { call } from '../../../proto/rpc.js';
import { isJob, REBALANCE_LABEL } from '../../../proto/types.js';
import { collect, labels } from '../../format.js';
import type { Connect } from '../types.js';
import { addPolicyOptions, withPolicyFlags, type PolicyOptions } from './flags/policy.js';
import { MESH_HELP, updateEndpoint, type PublishUpdateOptions } from './flags/publish.js';
import { EXIT_HELP, follow } from './follow.js';
import { modeName } from './modes.js';
import { addSpecChangeOptions, withSpecChanges, type SpecChangeOptions } from './spec-changes.js';

interface UpdateOptions extends SpecChangeOptions, PolicyOptions, PublishUpdateOptions {
  detach?: boolean;
  rebalance?: boolean;
  labelAdd: string[];
  labelRm: string[];
}

/** The networks of `refs` by id: those the spec has as written, others looked up by name. */
async function networkIds(client: ControlClient, has: string[], refs: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    if (ref === 'host' || ref === 'bridge' || has.includes(ref)) ids.push(ref);
    else ids.push((await call(client, client.GetNetwork, { network: ref })).network?.id ?? ref);
  }
  return ids;
}

export function updateCommand(service: Command, connect: Connect): Command {
  const update = service
    .command('update')
    .description(
      'change a service: a changed task spec or published ports roll out per the update policy; the same spec again resumes a paused update',
    )
    .argument('<service>')
    .option(
      '--rebalance',
      `move tasks, one at a time, until the spread over the nodes is even within one, now and whenever nodes join or come back (sets the label ${REBALANCE_LABEL}=true; replicated services)`,
    )
    .option('--no-rebalance', `stop rebalancing (removes the label ${REBALANCE_LABEL})`)
    .option('--label-add <KEY=VALUE>', 'add or change a service label (repeatable)', collect, [])
    .option('--label-rm <KEY>', 'remove a service label (repeatable)', collect, [])
    .option('-d, --detach', 'return at once instead of following the update')
    .option('--publish-add <port>', 'publish a port, as --publish of create (repeatable)', collect, [])
    .option(
      '--publish-rm <port[/proto]>',
      'stop publishing a port (published, or target when picked)',
      collect,
      [],
    )
    .option('--lb <mode>', 'round-robin or least-conn')
    .option('--proxy-protocol', 'send tasks a PROXY protocol header')
    .option('--no-proxy-protocol', 'stop sending the PROXY protocol header')
    .option('--mesh <path>', MESH_HELP)
    .addHelpText('after', EXIT_HELP)
    .action(async (ref: string, o: UpdateOptions) => {
      const client = connect();
      const { service } = await call(client, client.GetService, { service: ref });
      if (!service?.spec) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      if (o.rebalance && service.spec.mode !== 'replicated') {
        throw new FlotillaError(
          'INVALID_ARGUMENT',
          `service ${ref} is in ${modeName(service.spec)} mode; only replicated services rebalance`,
        );
      }
      const next = { ...service.spec.labels, ...labels('--label-add', o.labelAdd) };
      for (const key of o.labelRm) delete next[key];
      if (o.rebalance === true) next[REBALANCE_LABEL] = 'true';
      if (o.rebalance === false) delete next[REBALANCE_LABEL];
      // The spec names its networks by id: --network-rm may name one.
      const networkRm = await networkIds(client, service.spec.task?.networks ?? [], o.networkRm ?? []);
      // Rewriting the service, even unchanged, is what makes the rebalancer look again.
      const changed = withSpecChanges({ ...service.spec, labels: next }, { ...o, networkRm });
      const spec = withPolicyFlags(
        { ...changed, ...updateEndpoint(service.spec.endpoint, service.endpoint?.ports ?? [], o) },
        o,
      );
      const res = await call(client, client.UpdateService, {
        serviceId: service.id,
        version: service.meta?.version ?? 0,
        spec,
      });
      console.log(service.spec.name);
      if (!o.detach && !isJob(spec) && res.service) await follow(client, res.service);
    });
  return addPolicyOptions(addSpecChangeOptions(update));
}
