/**
 * The rolling update of bench:update on the container runtime, side by side with Docker Swarm:
 * N busybox replicas (`sleep`, stopped with SIGKILL as busybox ignores SIGTERM as pid 1) created
 * with `--update-parallelism 10 --update-delay 0s`, then `service update --detach --image` of a
 * second image, timed from the start of that CLI command until every running task has the new
 * image and none with the old one runs (polled every 0.1 s). Flotilla runs on one node with a
 * private containerd (flotilla/busybox:latest → :2), Swarm on the peer kit's one-node swarm
 * (local/bb:1 → :2, as section c of the kit's bench). A fresh service per run, removed after it.
 */
import { performance } from 'node:perf_hooks';
import { CREATE_DEFAULTS, specFromFlags } from '../cli/commands/service/spec.js';
import { call } from '../proto/rpc.js';
import { testImages } from '../test/integration/containerd-harness.js';
import { until, withContainerdNode, type ContainerdNode } from './containerd-node.js';
import { progress } from './stats.js';
import { withSwarmPeer } from './swarm-peer.js';

const OLD = 'flotilla/busybox';
const NEW = 'flotilla/busybox:2';

/** Milliseconds of each run until all `replicas` tasks run the new image, on Flotilla. */
export async function flotillaImageUpdate(
  replicas: number,
  parallelism: number,
  runs: number,
): Promise<number[]> {
  const images = await testImages();
  return withContainerdNode([images.busybox, images.busybox2], async (node) => {
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const name = `up${run}`;
      await call(node.client, node.client.CreateService, {
        spec: specFromFlags(OLD, ['sleep', '100000'], {
          ...CREATE_DEFAULTS,
          name,
          replicas: String(replicas),
          stopSignal: 'SIGKILL',
          updateParallelism: String(parallelism),
          updateDelay: '0s',
        }),
      });
      await until(`${replicas} running`, () => node.running(name, replicas));
      const start = performance.now();
      const updated = await node.cluster.cli('m1', 'service', 'update', '--detach', '--image', NEW, name);
      if (updated.code !== 0) throw new Error(`service update failed: ${updated.stderr}`);
      await until('all tasks on the new image', () => allNew(node, name, replicas));
      times.push(performance.now() - start);
      progress(
        `flotilla (containerd) run ${run}: all on ${NEW} after ${(times.at(-1)! / 1000).toFixed(2)} s`,
      );
      await call(node.client, node.client.RemoveService, { service: name });
      await until('no containers', node.noContainers);
    }
    return times;
  });
}

/** `replicas` tasks run the new image and no task of the old one still runs. */
async function allNew(node: ContainerdNode, service: string, replicas: number): Promise<boolean> {
  const { tasks } = await call(node.client, node.client.ListTasks, { services: [service], nodes: [] });
  const running = tasks.filter((t) => t.status?.state === 'RUNNING');
  return running.length === replicas && running.every((t) => t.spec?.container?.image === NEW);
}

/** The same on Docker Swarm with the peer kit (its bench's section c), or why it cannot run. */
export function swarmImageUpdate(replicas: number, parallelism: number, runs: number) {
  return withSwarmPeer(({ docker, poll }) => {
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const name = `up${run}`;
      const id = docker(
        ...['service', 'create', '--detach', '--no-resolve-image', '--stop-signal', 'KILL'],
        ...['--replicas', String(replicas), '--update-parallelism', String(parallelism)],
        ...['--update-delay', '0s', '--name', name, 'local/bb:1', 'sleep', '100000'],
      );
      poll('tasks', name, String(replicas));
      const start = performance.now();
      docker('service', 'update', '--detach', '--no-resolve-image', '--image', 'local/bb:2', name);
      poll('tasks', name, String(replicas), 'local/bb:2');
      times.push(performance.now() - start);
      progress(`swarm run ${run}: all on local/bb:2 after ${(times.at(-1)! / 1000).toFixed(2)} s`);
      docker('service', 'rm', id);
      poll('gone', id);
    }
    return times;
  });
}
