/**
 * Flotilla as the container benches run it: one node (a manager that runs tasks) whose daemon
 * uses a private containerd (test/integration/containerd-harness.ts), with test images loaded
 * through `cluster image load`. Everything is stopped and removed after the run.
 */
import { tmpdir } from 'node:os';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import { ContainerdDriver } from '../runtime/containerd/index.js';
import { LocalCluster } from '../test/integration/cluster-harness.js';
import { PrivateContainerd } from '../test/integration/containerd-harness.js';

const POLL_MS = 100;

export interface ContainerdNode {
  cluster: LocalCluster;
  containerd: PrivateContainerd;
  client: ControlClient;
  /** At least `n` tasks of the service run (desired and reported). */
  running(service: string, n: number): Promise<boolean>;
  /** No container is left in the private containerd. */
  noContainers(): Promise<boolean>;
}

/** `network`: the containers' network, a bridge of the run's own (default) or the node's. */
export async function withContainerdNode<T>(
  images: string[],
  main: (node: ContainerdNode) => Promise<T>,
  network?: 'host',
): Promise<T> {
  const containerd = await PrivateContainerd.start();
  const cluster = await LocalCluster.create();
  const driver = new ContainerdDriver({ socket: containerd.socket, root: tmpdir() });
  let client: ControlClient | undefined;
  try {
    const init = await cluster.init(
      'm1',
      '--containerd-socket',
      containerd.socket,
      ...containerd.networkArgs(network),
    );
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
    for (const image of images) {
      const load = await cluster.cli('m1', 'image', 'load', image);
      if (load.code !== 0) throw new Error(`image load failed: ${load.stderr}`);
    }
    const c = connect(wire.flotilla.Control, cluster.addr('m1'), cluster.adminTls());
    client = c;
    return await main({
      cluster,
      containerd,
      client: c,
      running: async (service, n) => {
        const { tasks } = await call(c, c.ListTasks, { services: [service], nodes: [] });
        return tasks.filter((t) => t.status?.state === 'RUNNING' && t.desiredState === 'RUNNING').length >= n;
      },
      noContainers: async () => (await driver.list({})).length === 0,
    });
  } finally {
    client?.close();
    await driver.close();
    await cluster.destroy();
    await containerd.stop();
  }
}

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
