/** `cluster network create`: an overlay network, which services join with --network. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { collect, labels } from '../../format.js';
import type { Connect } from '../types.js';

export function createCommand(network: Command, connect: Connect): Command {
  return network
    .command('create')
    .description('create an overlay network, which services join with --network')
    .argument('<name>')
    .option('--driver <driver>', 'overlay (the only driver)', 'overlay')
    .option('--subnet <cidr>', 'IPv4 subnet, e.g. 10.30.0.0/24 (default: a free /24 of 10.214.0.0/16)')
    .option('--label <KEY=VALUE>', 'network label (repeatable)', collect, [])
    .action(async (name: string, o: { driver: string; subnet?: string; label: string[] }) => {
      const client = connect();
      const spec = { name, driver: o.driver, subnet: o.subnet ?? '', labels: labels('--label', o.label) };
      const res = await call(client, client.CreateNetwork, { spec });
      console.log(res.network?.id);
    });
}
