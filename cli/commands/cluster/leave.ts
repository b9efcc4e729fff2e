/** `cluster leave`: this node stops its tasks and leaves the cluster; its data dir can join again. */
import type { Command } from 'commander';
import { readFile, rename, rm } from 'node:fs/promises';
import { dataDirFrom, paths, processAlive, readIdentity } from '../../../daemon/index.js';
import { FlotillaError } from '../../../lib/errors.js';
import type { NodeLocalClient } from '../../../proto/gen/flotilla/NodeLocal.js';
import { wire } from '../../../proto/load.js';
import { call, connect } from '../../../proto/rpc.js';

export function leaveCommand(program: Command): Command {
  return program
    .command('leave')
    .description('stop every task of this node and leave the cluster (a manager only with --force)')
    .option('--data-dir <dir>', 'the node’s data dir (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)')
    .option('--force', 'leave though this node is a manager: the other managers lose a member of their group')
    .action(async (o: { dataDir?: string; force?: boolean }) => {
      const dataDir = dataDirFrom(o.dataDir);
      const id = await readIdentity(dataDir);
      if (!id) throw new FlotillaError('NOT_FOUND', `${dataDir} holds no node; nothing to leave`);
      const client: NodeLocalClient = connect(wire.flotilla.NodeLocal, `unix:${paths(dataDir).socket}`);
      const pid = Number(await readFile(paths(dataDir).pid, 'utf8').catch(() => '0'));
      const { stoppedTasks } = await call(client, client.Leave, { force: o.force ?? false }, 120_000).finally(
        () => client.close(),
      );
      await daemonGone(pid);
      await forgetNode(dataDir, id.role === 'MANAGER');
      console.log(
        `This node left the cluster (${stoppedTasks} task(s) stopped). The managers see it down: remove it there with \`cluster node rm ${id.hostname}\`. ${dataDir} can join a cluster again.`,
      );
    });
}

/** Waits until the daemon of `pid` has exited. */
async function daemonGone(pid: number): Promise<void> {
  for (const deadline = Date.now() + 30_000; pid > 0 && processAlive(pid);) {
    if (Date.now() > deadline)
      throw new FlotillaError('TIMEOUT', `the daemon (pid ${pid}) did not stop; stop it by hand`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What made the data dir a node of a cluster; a manager's Raft log is kept aside. */
async function forgetNode(dataDir: string, manager: boolean): Promise<void> {
  const p = paths(dataDir);
  if (manager) await rename(p.raft, `${p.raft}.left-${Date.now()}`).catch(() => undefined);
  await rm(p.certs, { recursive: true, force: true });
  await rm(p.identity, { force: true });
}
