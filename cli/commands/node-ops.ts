/**
 * Node-local operations, run on the nodes themselves (cli/node-runtime.ts): `image load|ls|rm`,
 * `service logs`, `task exec|inspect|stats`. A node that is down or unreachable is named in
 * a note on stderr; what the other nodes have is still shown.
 */
import { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FlotillaError, describeError, invalidArgument } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import type { TaskLogLine } from '../../proto/gen/flotilla/TaskLogLine.js';
import { call, fromServiceError } from '../../proto/rpc.js';
import { taskName, type Node, type Task } from '../../proto/types.js';
import { nodeRuntimeClient, nodeLabel, resolveNodes, resolveTask, resolveTasks } from '../node-runtime.js';
import { collect, parseCount, parseDuration, table } from '../format.js';
import { ProgressBar } from '../progress.js';
import { adminCredentials } from '../client.js';
import type { TlsCredentials } from '../../proto/tls.js';
import type * as grpc from '@grpc/grpc-js';

type Connect = () => ControlClient;
type WantsJson = (o: { format?: string }) => boolean;

const CHUNK = 1 << 20;

export function nodeOpsCommands(program: Command, connect: Connect, wantsJson: WantsJson): void {
  // Node-local operations go to each node directly, as an admin client.
  const reach = async () => {
    const control = connect();
    return { control, tls: await adminCredentials(control) };
  };
  const image = program.command('image').description('images in the nodes’ container runtimes');

  image
    .command('load')
    .description('load an OCI-layout or `docker save` archive into every node’s runtime (or those named)')
    .argument('<file>', 'the archive (.tar)')
    .option('--node <node>', 'only this node, by id or hostname (repeatable)', collect, [])
    .action(async (file: string, o: { node: string[] }) => {
      const { size } = await stat(file).catch(() => {
        throw invalidArgument('FILE', 'a readable image archive', file);
      });
      const { control, tls } = await reach();
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      if (nodes.length === 0) throw new FlotillaError('UNAVAILABLE', 'no ready node has a container runtime');
      const bar = new ProgressBar(`loading ${file} into ${nodes.length} node(s)`, size * nodes.length);
      const sent = new Map<string, number>();
      const results = await Promise.allSettled(
        nodes.map((node) =>
          loadInto(node, tls, file, (n) => {
            sent.set(node.id, n);
            bar.update([...sent.values()].reduce((a, b) => a + b, 0));
          }),
        ),
      );
      bar.done();
      let failed = 0;
      results.forEach((r, i) => {
        const name = nodeLabel(nodes[i] as Node);
        if (r.status === 'fulfilled') console.log(`${name}: loaded ${r.value.join(', ')}`);
        else {
          failed++;
          console.error(`${name}: ${describeError(r.reason)}`);
        }
      });
      if (failed > 0) throw new FlotillaError('UNAVAILABLE', `the archive did not load on ${failed} node(s)`);
    });

  image
    .command('ls')
    .description('the images each node has')
    .option('--node <node>', 'only this node (repeatable)', collect, [])
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { node: string[]; format: string }) => {
      const { control, tls } = await reach();
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      if (nodes.length === 0) console.error('note: no ready node has a container runtime');
      const rows: { node: string; name: string; digest: string; size: number }[] = [];
      await eachNode(nodes, tls, async (node, client) => {
        const { images } = await call(client, client.ListImages, {});
        for (const i of images)
          rows.push({ node: nodeLabel(node), name: i.name, digest: i.digest, size: i.size });
      });
      if (wantsJson(o)) return console.log(JSON.stringify(rows, null, 2));
      console.log(
        table(
          ['NODE', 'IMAGE', 'DIGEST', 'SIZE'],
          rows.map((r) => [r.node, r.name, r.digest.slice(0, 19), `${(r.size / 2 ** 20).toFixed(1)} MB`]),
        ),
      );
    });

  image
    .command('rm')
    .description('remove an image from every node (or those named)')
    .argument('<image>')
    .option('--node <node>', 'only this node (repeatable)', collect, [])
    .action(async (ref: string, o: { node: string[] }) => {
      const { control, tls } = await reach();
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      let removed = 0;
      await eachNode(nodes, tls, async (node, client) => {
        await call(client, client.RemoveImage, { name: ref }).then(
          () => {
            removed++;
            console.log(`${nodeLabel(node)}: removed ${ref}`);
          },
          (err: unknown) => {
            if (!(err instanceof FlotillaError && err.code === 'NOT_FOUND')) throw err;
          },
        );
      });
      if (removed === 0) throw new FlotillaError('NOT_FOUND', `no node has image ${ref}`);
    });

  const service = program.commands.find((c) => c.name() === 'service') ?? program.command('service');
  service
    .command('logs')
    .description('the output of a service’s tasks (or one task), from the nodes they run on')
    .argument('<service|task>')
    .option('-f, --follow', 'keep printing new output')
    .option('--tail <n>', 'only the last N lines of each task')
    .option('--since <when>', 'only lines written since a time (RFC 3339) or a duration ago (10m)')
    .option('-t, --timestamps', 'prefix each line with the time it was written')
    .action(
      async (ref: string, o: { follow?: boolean; tail?: string; since?: string; timestamps?: boolean }) => {
        const { control, tls } = await reach();
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

  const task = program.command('task').description('one task, on the node that runs it');

  task
    .command('exec')
    .description('run a command in a running task and pass its output and exit code through')
    .argument('<task>', 'task id, id prefix or name (service.slot)')
    .argument('<cmd...>', 'the command (after --)')
    .passThroughOptions()
    .action(async (ref: string, argv: string[]) => {
      const cmd = argv[0] === '--' ? argv.slice(1) : argv;
      if (cmd.length === 0) throw invalidArgument('CMD', 'a command after --');
      const { control, tls } = await reach();
      const { node, task } = await taskOnNode(control, ref);
      const client = nodeRuntimeClient(node, tls);
      const res = await call(client, client.ExecInTask, { taskId: task.id, cmd }, 10 * 60_000);
      process.stdout.write(res.stdout);
      process.stderr.write(res.stderr);
      process.exitCode = res.exitCode;
    });

  task
    .command('inspect')
    .description('the task as the managers know it, and its container as its node sees it')
    .argument('<task>')
    .action(async (ref: string) => {
      const { control, tls } = await reach();
      const { node, task } = await taskOnNode(control, ref);
      const client = nodeRuntimeClient(node, tls);
      const container = await call(client, client.InspectTaskContainer, { taskId: task.id }).catch(
        (err: unknown) => ({ error: describeError(err) }),
      );
      console.log(JSON.stringify({ ...task, node: nodeLabel(node), container }, null, 2));
    });

  task
    .command('stats')
    .description('cpu and memory of the running tasks of a service (or one task)')
    .argument('<service|task>')
    .option('--format <format>', 'table or json', 'table')
    .action(async (ref: string, o: { format: string }) => {
      const { control, tls } = await reach();
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

/** Ready nodes with a container runtime; nodes named on purpose that lack one are an error. */
export function containerNodes(nodes: Node[], named: boolean): Node[] {
  const ok = (n: Node) =>
    n.status?.state === 'READY' && (n.description?.runtimes ?? []).some((r) => r !== 'process');
  for (const n of nodes.filter((x) => !ok(x))) {
    const why =
      n.status?.state !== 'READY' ? `is ${n.status?.state ?? 'unknown'}` : 'has no container runtime';
    if (named) throw new FlotillaError('UNAVAILABLE', `node ${nodeLabel(n)} ${why}`);
  }
  return nodes.filter(ok);
}

/** Runs `work` on every node at once; a node that fails is noted on stderr and the rest go on. */
export async function eachNode(
  nodes: Node[],
  tls: TlsCredentials,
  work: (node: Node, client: ReturnType<typeof nodeRuntimeClient>) => Promise<void>,
): Promise<void> {
  const failures = await Promise.allSettled(
    nodes.map(async (node) => {
      const client = nodeRuntimeClient(node, tls);
      try {
        await work(node, client);
      } finally {
        client.close();
      }
    }),
  );
  failures.forEach((r, i) => {
    if (r.status === 'rejected')
      console.error(`note: node ${nodeLabel(nodes[i] as Node)}: ${describeError(r.reason)}`);
  });
  if (failures.length > 0 && failures.every((r) => r.status === 'rejected')) {
    throw new FlotillaError('UNAVAILABLE', 'no node answered');
  }
}

function loadInto(
  node: Node,
  tls: TlsCredentials,
  file: string,
  sent: (bytes: number) => void,
): Promise<string[]> {
  const client = nodeRuntimeClient(node, tls);
  return new Promise<string[]>((resolve, reject) => {
    const upload = client.LoadImage((err, res) => {
      client.close();
      if (err) reject(fromServiceError(err, node.status?.addr ?? ''));
      else resolve(res?.images ?? []);
    });
    let bytes = 0;
    const source = createReadStream(file, { highWaterMark: CHUNK });
    source.on('data', (data) => {
      bytes += data.length;
      sent(bytes);
      if (!upload.write({ data })) {
        source.pause();
        upload.once('drain', () => source.resume());
      }
    });
    source.on('end', () => upload.end());
    source.on('error', (err) => {
      upload.cancel();
      reject(err);
    });
  });
}

async function taskOnNode(control: ControlClient, ref: string): Promise<{ node: Node; task: Task }> {
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
