/** `cluster join-token worker|manager`: the command that joins a node, or the token alone; --rotate replaces it. */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import type { Connect } from '../types.js';
import { allNodes } from '../../pages.js';

export function joinTokenCommand(program: Command, connect: Connect): Command {
  return program
    .command('join-token')
    .description('print the command that joins a node to this cluster')
    .argument('<role>', 'worker or manager')
    .option('-q, --quiet', 'print the token only')
    .option('--rotate', 'replace the token: the old one is refused from now on (joined nodes are unaffected)')
    .action(async (role: string, o: { quiet?: boolean; rotate?: boolean }) => {
      if (role !== 'worker' && role !== 'manager') throw invalidArgument('role', 'worker or manager', role);
      const client = connect();
      const { tokens } = o.rotate
        ? await call(client, client.RotateJoinToken, { role: role === 'worker' ? 'WORKER' : 'MANAGER' })
        : await call(client, client.GetJoinTokens, {});
      if (o.rotate && !o.quiet)
        console.log(`The ${role} join token was rotated: the old one is refused from now on.\n`);
      const nodes = await allNodes(client);
      const token = role === 'worker' ? tokens?.worker : tokens?.manager;
      if (o.quiet) return console.log(token);
      const addr = nodes.find((n) => n.role === 'MANAGER')?.status?.addr ?? 'MANAGER_ADDR';
      console.log(`To add a ${role} to this cluster, run:\n\n    cluster join --token ${token} ${addr}\n`);
    });
}
