/** `cluster network ...`: create, ls, inspect, rm of overlay networks. */
import type { Command } from 'commander';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import type { NetworkInfo } from '../../proto/gen/flotilla/NetworkInfo.js';
import { call } from '../../proto/rpc.js';
import { collect, labels, printInspected, table } from '../format.js';

type Connect = () => ControlClient;
type Format = { format?: string };

export function networkCommands(program: Command, connect: Connect, wantsJson: (o: Format) => boolean): void {
  const network = program.command('network').description('manage overlay networks');

  network
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

  network
    .command('ls')
    .description('list networks')
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: Format) => {
      const client = connect();
      const { networks } = await call(client, client.ListNetworks, {});
      if (wantsJson(o)) return console.log(JSON.stringify(networks, null, 2));
      const rows = [...networks]
        .sort((a, b) => (a.network?.spec?.name ?? '').localeCompare(b.network?.spec?.name ?? ''))
        .map(row);
      console.log(table(['ID', 'NAME', 'DRIVER', 'SUBNET', 'SERVICES', 'TASKS'], rows));
    });

  network
    .command('inspect')
    .description('show networks in full, as JSON')
    .argument('<network...>')
    .action(async (refs: string[]) => {
      const client = connect();
      await printInspected(refs, (ref) => call(client, client.GetNetwork, { network: ref }));
    });

  network
    .command('rm')
    .description('remove networks no service is attached to')
    .argument('<network...>')
    .action(async (refs: string[]) => {
      const client = connect();
      for (const ref of refs) {
        await call(client, client.RemoveNetwork, { network: ref });
        console.log(ref);
      }
    });
}

function row({ network, services, attachedTasks }: NetworkInfo): string[] {
  return [
    network?.id.slice(0, 12) ?? '',
    network?.spec?.name ?? '',
    network?.spec?.driver ?? '',
    network?.spec?.subnet ?? '',
    services.join(',') || '-',
    String(attachedTasks),
  ];
}
