/** `cluster task exec`: a command run in a running task; its output and exit code passed through. */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { nodeRuntimeClient } from '../../node-runtime.js';
import { reach } from '../on-nodes.js';
import type { Connect } from '../types.js';
import { taskOnNode } from './on-node.js';

export function execCommand(task: Command, connect: Connect): Command {
  return task
    .command('exec')
    .description('run a command in a running task and pass its output and exit code through')
    .argument('<task>', 'task id, id prefix or name (service.slot)')
    .argument('<cmd...>', 'the command (after --)')
    .passThroughOptions()
    .action(async (ref: string, argv: string[]) => {
      const cmd = argv[0] === '--' ? argv.slice(1) : argv;
      if (cmd.length === 0) throw invalidArgument('CMD', 'a command after --');
      const { control, tls } = await reach(connect);
      const { node, task } = await taskOnNode(control, ref);
      const client = nodeRuntimeClient(node, tls);
      const res = await call(client, client.ExecInTask, { taskId: task.id, cmd }, 10 * 60_000);
      process.stdout.write(res.stdout);
      process.stderr.write(res.stderr);
      process.exitCode = res.exitCode;
    });
}
