/** `cluster ca --rotate`: the cluster moves to a new root CA; the command shows the nodes move. */
import type { Command } from 'commander';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { call } from '../../../proto/rpc.js';
import type { Connect } from '../types.js';
import { allNodes } from '../../pages.js';

/** The `ca` command itself: without --rotate it shows its help. */
export function caCommand(program: Command, connect: Connect): Command {
  const ca = program
    .command('ca')
    .description("the cluster's certificate authority")
    .option(
      '--rotate',
      'move the cluster to a new root CA: every node gets a certificate of it, without downtime',
    )
    .option('-d, --detach', 'with --rotate: return at once instead of showing the nodes move')
    .action(async (o: { rotate?: boolean; detach?: boolean }) => {
      if (!o.rotate) return ca.help();
      const client = connect();
      const { digest } = await call(client, client.RotateCA, {});
      console.log(`Rotating to a new root CA (${digest.slice(0, 12)}…); the join tokens now name it.`);
      if (!o.detach) await followRotation(client, digest);
    });
  return ca;
}

/** Shows the nodes move to the new root until all have, naming those that are down. */
async function followRotation(client: ControlClient, digest: string): Promise<void> {
  let said = '';
  for (;;) {
    const nodes = await allNodes(client);
    const moved = nodes.filter((n) => n.certificate?.caDigest === digest).length;
    const down = nodes.filter((n) => n.certificate?.caDigest !== digest && n.status?.state === 'DOWN');
    const line = `rotating the CA: ${moved}/${nodes.length} nodes hold a certificate of the new root${
      down.length
        ? ` (down, will move when back: ${down.map((n) => n.description?.hostname ?? n.id).join(', ')})`
        : ''
    }`;
    if (line !== said) console.log((said = line));
    if (moved === nodes.length) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  console.log(
    'The rotation is complete: only the new root is trusted. Client certificates made before it (`cluster ca issue-client`) are refused from now on; make new ones.',
  );
}
