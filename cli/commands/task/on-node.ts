/** The task a reference names, and the node it is on; an error when that node is gone or down. */
import { FlotillaError } from '../../../lib/errors.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { taskName, type Node, type Task } from '../../../proto/types.js';
import { nodeLabel, resolveTask } from '../../node-runtime.js';

export async function taskOnNode(control: ControlClient, ref: string): Promise<{ node: Node; task: Task }> {
  const { tasks, nodes } = await resolveTask(control, ref);
  const task = tasks[0] as Task;
  const node = nodes.get(task.nodeId);
  if (!node)
    throw new FlotillaError(
      'UNAVAILABLE',
      `task ${taskName(task)} is not on any node (${task.status?.state})`,
    );
  if (node.status?.state === 'DOWN') {
    throw new FlotillaError(
      'UNAVAILABLE',
      `task ${taskName(task)} is on node ${nodeLabel(node)}, which is down`,
    );
  }
  return { node, task };
}
