/**
 * `cluster service logs`: the output of a service's tasks (or one task), streamed from the
 * nodes they run on; a node that is down or cannot be read is named in a note.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { describeError, FlotillaError, invalidArgument } from '../../../lib/errors.js';
import type { TaskLogLine } from '../../../proto/gen/flotilla/TaskLogLine.js';
import { fromServiceError } from '../../../proto/rpc.js';
import { taskName, type Node, type Task } from '../../../proto/types.js';
import { parseCount, parseDuration } from '../../format.js';
import { nodeLabel, nodeRuntimeClient, resolveTasks } from '../../node-runtime.js';
import { reach } from '../on-nodes.js';
import type { Connect } from '../types.js';

export function logsCommand(service: Command, connect: Connect): Command {
  return service
    .command('logs')
    .description('the output of a service’s tasks (or one task), from the nodes they run on')
    .argument('<service|task>')
    .option('-f, --follow', 'keep printing new output')
    .option('--tail <n>', 'only the last N lines of each task')
    .option('--since <when>', 'only lines written since a time (RFC 3339) or a duration ago (10m)')
    .option('-t, --timestamps', 'prefix each line with the time it was written')
    .action(
      async (ref: string, o: { follow?: boolean; tail?: string; since?: string; timestamps?: boolean }) => {
        const { control, tls } = await reach(connect);
        const { tasks, nodes } = await resolveTasks(control, ref);
        const request = {
          follow: o.follow ?? false,
          tail: o.tail === undefined ? -1 : parseCount('--tail', o.tail, Number.MAX_SAFE_INTEGER),
          sinceMs: o.since === undefined ? 0 : parseSince(o.since),
        };
        const single = tasks.length === 1;
        const withContainers = tasks.filter((t) => t.status?.state !== 'PENDING' && t.nodeId);
        const byNode = groupBy(withContainers, (t) => t.nodeId);
        await Promise.all(
          [...byNode].map(async ([nodeId, ofNode]) => {
            const node = nodes.get(nodeId);
            const gone = !node || node.status?.state === 'DOWN';
            if (gone) return note(node, nodeId, ofNode, 'is down');
            await Promise.all(
              ofNode.map((task) =>
                streamLogs(node, task, request).catch((err: unknown) => {
                  // No container: not started yet, or already removed.
                  if (err instanceof FlotillaError && err.code === 'NOT_FOUND') return;
                  note(node, nodeId, [task], `could not be read: ${describeError(err)}`);
                }),
              ),
            );
          }),
        );

        function streamLogs(node: Node, task: Task, req: typeof request): Promise<void> {
          const client = nodeRuntimeClient(node, tls);
          const prefix = single ? '' : `${taskName(task)}.${task.id.slice(0, 12)}@${nodeLabel(node)} | `;
          return new Promise((resolve, reject) => {
            const stream = client.TaskLogs({ taskId: task.id, ...req });
            stream.on('data', (l: TaskLogLine) => {
              const time = o.timestamps ? `${new Date(l.timeMs).toISOString()} ` : '';
              (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${prefix}${time}${l.line}\n`);
            });
            stream.on('error', (err: grpc.ServiceError) =>
              reject(fromServiceError(err, node.status?.addr ?? '')),
            );
            stream.on('end', () => resolve());
          });
        }
      },
    );
}

function note(node: Node | undefined, nodeId: string, tasks: Task[], what: string): void {
  const name = node ? `${nodeLabel(node)} (${node.status?.addr})` : nodeId.slice(0, 12);
  console.error(`note: node ${name} ${what}: logs of ${tasks.map((t) => taskName(t)).join(', ')} not shown`);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** RFC 3339 time, or a duration ago ("10m"), as epoch ms. */
function parseSince(value: string): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms))
      throw invalidArgument('--since', 'an RFC 3339 time or a duration such as 10m', value);
    return ms;
  }
  return Date.now() - parseDuration('--since', value);
}
