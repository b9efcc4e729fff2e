/**
 * The runtime drivers of a node: the process driver always (image `host`), and the
 * containerd driver where containerd answers on the node's socket: the one given at
 * init/join (`--containerd-socket`, "" for none), else /run/containerd/containerd.sock if
 * it exists. A socket that does not answer is logged and left out, so the node reports
 * only runtimes that work and the scheduler places container tasks elsewhere. A node
 * without containerd whose Docker Engine answers at /var/run/docker.sock uses that instead
 * (its containers share the node's network).
 *
 * containerd's containers get their own network namespaces on the node bridge unless the
 * node was made with `--container-network host`; a node that cannot make the bridge (no
 * iproute2 or iptables) says why and shares its network with its containers instead.
 */
import { access } from 'node:fs/promises';
import type { Logger } from '../lib/log.js';
import type { RuntimeDriver } from '../runtime/driver.js';
import type { ContainerdDriver } from '../runtime/containerd/index.js';
import { parseContainerNetwork } from '../runtime/container-network.js';
import type { DockerDriver } from '../runtime/docker/index.js';
import { DEFAULT_CONTAINERD_SOCKET, DEFAULT_DOCKER_SOCKET } from '../runtime/sockets.js';
import { ProcessDriver } from '../runtime/process/index.js';
import { paths, type NodeIdentity } from './data-dir.js';

export async function nodeDrivers(
  dataDir: string,
  identity: Pick<NodeIdentity, 'containerdSocket' | 'containerNetwork' | 'containerSubnet'> | undefined,
  log: Logger,
): Promise<RuntimeDriver[]> {
  const p = paths(dataDir);
  const logger = log.child({ room: 'runtime' });
  const drivers: RuntimeDriver[] = [new ProcessDriver({ root: p.processRuntime, logger })];
  const socket = identity?.containerdSocket ?? DEFAULT_CONTAINERD_SOCKET;
  const explicit = identity?.containerdSocket !== undefined;
  if (socket !== '' && (explicit || (await exists(socket)))) {
    // Loaded only here: a node without containerd goes without its code.
    const { ContainerdDriver } = await import('../runtime/containerd/index.js');
    const options = { socket, root: p.containerdRuntime, logger };
    const containerd = new ContainerdDriver({ ...options, network: await bridgeOf(identity) });
    if (await answers(containerd, socket, log)) {
      const bridged = await containerd.bridge?.ensure().then(
        () => true,
        (err: unknown) => {
          log.warn({ err }, 'cannot set up the container bridge; containers share the node network');
          return false;
        },
      );
      if (bridged === false) return [...drivers, new ContainerdDriver(options)];
      await containerd
        .pruneNetworks()
        .catch((err: unknown) =>
          log.warn({ err }, 'cannot reconcile the container networks with the containers'),
        );
      return [...drivers, containerd];
    }
  }
  if (!explicit && (await exists(DEFAULT_DOCKER_SOCKET))) {
    // Loaded only here: dockerode (and the ssh2 it brings) weighs on every node otherwise.
    const { DockerDriver } = await import('../runtime/docker/index.js');
    const docker = new DockerDriver({ socket: DEFAULT_DOCKER_SOCKET, logger });
    if (await answers(docker, DEFAULT_DOCKER_SOCKET, log)) return [...drivers, docker];
  }
  return drivers;
}

/**
 * The node's slice of the cluster's container pool, when its containers use it: on the
 * default bridge (no --container-network), where the overlay routes to them from every node.
 */
export function overlaySubnet(
  identity: Pick<NodeIdentity, 'containerNetwork' | 'containerSubnet'> | undefined,
): string | undefined {
  return identity?.containerNetwork === undefined ? identity?.containerSubnet || undefined : undefined;
}

/** The bridge for containerd's containers, or undefined for the node's network. */
async function bridgeOf(
  identity: Pick<NodeIdentity, 'containerNetwork' | 'containerSubnet'> | undefined,
): Promise<{ bridge: string; subnet: string; mtu?: number } | undefined> {
  const config = parseContainerNetwork(identity?.containerNetwork);
  if (config.mode === 'host') return undefined;
  const slice = overlaySubnet(identity);
  if (!slice) return { bridge: config.bridge, subnet: config.subnet };
  // On its slice of the pool, the bridge's traffic to other nodes rides the overlay (whose
  // code only such a node loads).
  const { OVERLAY_MTU } = await import('../worker/overlay.js');
  return { bridge: config.bridge, subnet: slice, mtu: OVERLAY_MTU };
}

async function answers(
  driver: ContainerdDriver | DockerDriver,
  socket: string,
  log: Logger,
): Promise<boolean> {
  try {
    await driver.ping();
    log.info({ socket, runtime: driver.name }, 'container runtime available');
    return true;
  } catch (err) {
    await driver.close();
    log.warn({ socket, err }, `${driver.name} does not answer; this node leaves it out`);
    return false;
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
