/** `cluster task stats`: cpu and memory of a service's running tasks (or one task), from their nodes. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { taskName, type Node } from '../../../proto/types.js';
import { table } from '../../format.js';
import { nodeLabel, resolveTasks } from '../../node-runtime.js';
import { eachNode, reach } from '../on-nodes.js';
import type { Connect, WantsJson } from '../types.js';

export function statsCommand(task: Command, connect: Connect, wantsJson: WantsJson): Command {
  return task
    .command('stats')
    .description('cpu and memory of the running tasks of a service (or one task)')
    .argument('<service|task>')
    .option('--format <format>', 'table or json', 'table')
    .action(async (ref: string, o: { format: string }) => {
      const { control, tls } = await reach(connect);
      const { tasks, nodes } = await resolveTasks(control, ref);
      const rows: { task: string; node: string; cpuSeconds: number; memoryBytes: number }[] = [];
      const live = tasks.filter((t) => t.status?.state === 'RUNNING');
      await eachNode(
        [...new Set(live.map((t) => nodes.get(t.nodeId)).filter((n): n is Node => n !== undefined))],
        tls,
        async (node, client) => {
          for (const t of live.filter((x) => x.nodeId === node.id)) {
            const c = await call(client, client.InspectTaskContainer, { taskId: t.id });
            rows.push({
              task: taskName(t),
              node: nodeLabel(node),
              cpuSeconds: c.cpuSeconds,
              memoryBytes: c.memoryBytes,
            });
          }
        },
      );
      rows.sort((a, b) => a.task.localeCompare(b.task, undefined, { numeric: true }));
      if (wantsJson(o)) return console.log(JSON.stringify(rows, null, 2));
      console.log(
        table(
          ['TASK', 'NODE', 'CPU (s)', 'MEMORY'],
          rows.map((r) => [
            r.task,
            r.node,
            r.cpuSeconds.toFixed(2),
            `${(r.memoryBytes / 2 ** 20).toFixed(1)} MB`,
          ]),
        ),
      );
    });
}
