/**
 * `cluster volume ls|inspect|rm`: the named volumes each node has made for its tasks, asked
 * of every node's NodeRuntime service (or those named), as `cluster image` does.
 */
import { Command } from 'commander';
import { FlotillaError } from '../../lib/errors.js';
import { formatBytes } from '../../lib/sizes.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import type { NodeVolume } from '../../proto/gen/flotilla/NodeVolume.js';
import { call } from '../../proto/rpc.js';
import { adminCredentials } from '../client.js';
import { collect, table } from '../format.js';
import { nodeLabel, resolveNodes } from '../node-runtime.js';
import { containerNodes, eachNode } from './node-ops.js';

type Connect = () => ControlClient;
type WantsJson = (o: { format?: string }) => boolean;

interface Found extends NodeVolume {
  node: string;
}

export function volumeCommands(program: Command, connect: Connect, wantsJson: WantsJson): void {
  const volume = program
    .command('volume')
    .description('named volumes on the nodes, made by the tasks that mount them');

  /** The volumes (or the one named) of the nodes asked, each with its node. */
  const volumesOf = async (nodeRefs: string[], name = ''): Promise<Found[]> => {
    const control = connect();
    const tls = await adminCredentials(control);
    const nodes = containerNodes(await resolveNodes(control, nodeRefs), nodeRefs.length > 0);
    const found: Found[] = [];
    await eachNode(nodes, tls, async (node, client) => {
      const res = await call(client, client.ListVolumes, { name }).catch((err: unknown) => {
        if (name && err instanceof FlotillaError && err.code === 'NOT_FOUND') return { volumes: [] };
        throw err;
      });
      for (const v of res.volumes) found.push({ ...v, node: nodeLabel(node) });
    });
    return found.sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
  };

  volume
    .command('ls')
    .description('the volumes each node has')
    .option('--node <node>', 'only this node, by id or hostname (repeatable)', collect, [])
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { node: string[]; format: string }) => {
      const rows = await volumesOf(o.node);
      if (wantsJson(o)) return console.log(JSON.stringify(rows, null, 2));
      console.log(
        table(
          ['NODE', 'NAME', 'DRIVER', 'SIZE', 'IN USE BY'],
          rows.map((v) => [v.node, v.name, v.driver, formatBytes(Number(v.size)), v.usedBy.join(',') || '-']),
        ),
      );
    });

  volume
    .command('inspect')
    .description('a volume on every node that has it (or those named), as JSON')
    .argument('<name>')
    .option('--node <node>', 'only this node (repeatable)', collect, [])
    .action(async (name: string, o: { node: string[] }) => {
      const found = await volumesOf(o.node, name);
      if (found.length === 0) throw new FlotillaError('NOT_FOUND', `no node has volume ${name}`);
      console.log(JSON.stringify(found, null, 2));
    });

  volume
    .command('rm')
    .description('remove a volume and its data from every node that has it (or those named)')
    .argument('<name>')
    .option('--node <node>', 'only this node (repeatable)', collect, [])
    .option('-f, --force', 'no error when no node has it')
    .action(async (name: string, o: { node: string[]; force?: boolean }) => {
      const control = connect();
      const tls = await adminCredentials(control);
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      let removed = 0;
      const refused: string[] = [];
      await eachNode(nodes, tls, async (node, client) => {
        await call(client, client.RemoveVolume, { name }).then(
          () => {
            removed++;
            console.log(`${nodeLabel(node)}: removed ${name}`);
          },
          (err: unknown) => {
            if (err instanceof FlotillaError && err.code === 'NOT_FOUND') return;
            refused.push(`${nodeLabel(node)}: ${err instanceof Error ? err.message : String(err)}`);
          },
        );
      });
      if (refused.length > 0) throw new FlotillaError('CONFLICT', refused.join('; '));
      if (removed === 0 && !o.force) throw new FlotillaError('NOT_FOUND', `no node has volume ${name}`);
    });
}
