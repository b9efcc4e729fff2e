/** `cluster task inspect`: the task as the managers know it, with its container as its node sees it. */
import type { Command } from 'commander';
import { describeError } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { nodeLabel, nodeRuntimeClient } from '../../node-runtime.js';
import { reach } from '../on-nodes.js';
import type { Connect } from '../types.js';
import { taskOnNode } from './on-node.js';

export function inspectCommand(task: Command, connect: Connect): Command {
  return task
    .command('inspect')
    .description('the task as the managers know it, and its container as its node sees it')
    .argument('<task>')
    .action(async (ref: string) => {
      const { control, tls } = await reach(connect);
      const { node, task } = await taskOnNode(control, ref);
      const client = nodeRuntimeClient(node, tls);
      const container = await call(client, client.InspectTaskContainer, { taskId: task.id }).catch(
        (err: unknown) => ({ error: describeError(err) }),
      );
      console.log(JSON.stringify({ ...task, node: nodeLabel(node), container }, null, 2));
    });
}
